//! Which models are one page of a Twilio list, and how the next page is found.

use crate::ir::{Field, Model, PageLinks, PageShape, TokenLinks, Type};
use std::collections::BTreeMap;

/// Marks models that are one page of a Twilio list: exactly one array property plus
/// paging links, which are a `meta` object of the runtime's shape, a `meta` model
/// holding tokens (`next_token`), or top-level fields (`next_page_uri`).
pub(in crate::lower) fn mark_pages(models: &mut [Model]) {
    let token_metas: BTreeMap<String, TokenLinks> = models
        .iter()
        .filter_map(|m| Some((m.item.name.clone(), token_fields(m)?)))
        .collect();
    for m in models {
        let has_meta = m
            .fields
            .iter()
            .any(|f| f.api_name == "meta" && f.ty == Type::PageMeta);
        let token_meta = m.fields.iter().find_map(|f| match &f.ty {
            Type::Model(name) if f.api_name == "meta" => token_metas.get(name).cloned(),
            _ => None,
        });
        let top_level = m.fields.iter().any(|f| f.api_name == "next_page_uri");
        let links = match (has_meta, token_meta, top_level) {
            (true, _, _) => PageLinks::Meta,
            (false, Some(token), _) => PageLinks::Token(token),
            (false, None, true) => PageLinks::TopLevel,
            (false, None, false) => continue,
        };
        let arrays: Vec<&Field> = m
            .fields
            .iter()
            .filter(|f| matches!(f.ty, Type::Array(_)))
            .collect();
        if let [only] = arrays.as_slice() {
            if let Type::Array(item) = &only.ty {
                m.page = Some(PageShape {
                    items_field: only.api_name.clone(),
                    item: (**item).clone(),
                    links,
                });
            }
        }
    }
}

/// The links of a page whose `meta` property is the model `meta`, if that is the
/// meta model of a token-paged list: it has a `next_token` (snake or camel case).
fn token_fields(meta: &Model) -> Option<TokenLinks> {
    let find = |names: [&str; 2]| {
        meta.fields
            .iter()
            .find(|f| names.contains(&f.api_name.as_str()))
            .map(|f| f.api_name.clone())
    };
    Some(TokenLinks {
        field: "meta".to_owned(),
        model: meta.item.name.clone(),
        next: find(["next_token", "nextToken"])?,
        previous: find(["previous_token", "previousToken"]),
        page_size: find(["page_size", "pageSize"]),
    })
}
