//! Doc-comment sanitizer: turns a spec description (loose Markdown, sometimes with
//! HTML) into text that rustdoc renders without warnings and never compiles as a
//! doctest.

/// Sanitizes a spec description for use as a Rust doc comment.
///
/// - leading indentation is removed (an indented block would be a Rust doctest);
/// - fenced code blocks are kept but marked `text`;
/// - bare URLs are wrapped in `<…>` (rustdoc's `bare_urls` lint);
/// - `[`, `]` that do not form a Markdown link are escaped (`broken_intra_doc_links`);
/// - `<`, `>` outside autolinks are escaped (`invalid_html_tags`);
/// - trailing whitespace and runs of blank lines are trimmed.
pub fn sanitize(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").lines() {
        let line = raw.trim();
        if line.starts_with("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
            continue;
        }
        out.push(sanitize_line(line));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // Collapse runs of blank lines and trim the ends.
    let mut lines: Vec<String> = Vec::new();
    for l in out {
        if l.is_empty() && lines.last().is_none_or(|p| p.is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// An `# Example` section: a `no_run` doctest of `code`, a formatted function
/// whose first line (the signature) and last two (`Ok(())` and the closing brace)
/// are hidden, so the reader sees only its body, unindented. `None` when `code` is
/// not shaped so.
pub fn example(code: &str) -> Option<String> {
    let lines: Vec<&str> = code.trim_end().lines().collect();
    let [signature, body @ .., ok, close] = lines.as_slice() else {
        return None;
    };
    if !signature.ends_with('{') || ok.trim() != "Ok(())" || *close != "}" {
        return None;
    }
    let mut out = vec![
        "# Example".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# {signature}"),
    ];
    out.extend(
        body.iter()
            .map(|l| l.strip_prefix("    ").unwrap_or(l).to_owned()),
    );
    out.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
    Some(out.join("\n"))
}

/// The first sentence or line of a description, for one-line summaries.
pub fn first_line(text: &str) -> String {
    let s = sanitize(text);
    s.lines().next().unwrap_or("").to_owned()
}

/// The longest [`first_sentence`], in characters, before it is cut at a word.
const SENTENCE_MAX: usize = 200;

/// The first sentence of a sanitized description, for a one-line entry (an
/// argument in a list): its first paragraph up to the first `.` that is followed
/// by a space and a capital (or ends it), outside code spans, links and
/// parentheses; longer than `SENTENCE_MAX` characters, cut at a space there and
/// ended with `…`, so the Markdown stays balanced.
pub fn first_sentence(text: &str) -> String {
    let paragraph: Vec<&str> = text
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with("```"))
        .collect();
    let chars: Vec<char> = paragraph.join(" ").chars().collect();
    let (mut code, mut depth) = (false, 0i32);
    let mut cut = None;
    for (i, &c) in chars.iter().enumerate() {
        let escaped = i > 0 && chars[i - 1] == '\\';
        match c {
            '`' => code = !code,
            '[' | '(' if !code && !escaped => depth += 1,
            ']' | ')' if !code && !escaped => depth -= 1,
            _ => {}
        }
        let balanced = !code && depth <= 0;
        if i >= SENTENCE_MAX {
            let Some(at) = cut else { break };
            let head: String = chars[..at].iter().collect();
            return format!("{}…", head.trim_end_matches([',', ';', ':']));
        }
        if !balanced {
            continue;
        }
        let rest = &chars[i + 1..];
        let spaces = rest.iter().take_while(|c| **c == ' ').count();
        if c == '.'
            && (rest.is_empty() || spaces > 0 && rest.get(spaces).is_some_and(|a| a.is_uppercase()))
        {
            return chars[..=i].iter().collect();
        }
        if c == ' ' {
            cut = Some(i);
        }
    }
    chars.iter().collect()
}

fn sanitize_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        // A Markdown link `[text](url)`: copy the text sanitized, the url verbatim.
        if c == '[' {
            if let Some((text_end, url_end)) = markdown_link(&chars, i) {
                let text: String = chars[i + 1..text_end].iter().collect();
                let url: String = chars[text_end + 2..url_end].iter().collect();
                out.push('[');
                out.push_str(&sanitize_line(&text));
                out.push_str("](");
                out.push_str(&url.replace(' ', "%20"));
                out.push(')');
                i = url_end + 1;
                continue;
            }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if starts_with_url(&chars, i) {
            let mut end = i;
            while end < chars.len() && !chars[end].is_whitespace() && !"<>\"`".contains(chars[end])
            {
                end += 1;
            }
            // Trailing punctuation belongs to the sentence, not the URL.
            while end > i && ".,;:)'".contains(chars[end - 1]) {
                end -= 1;
            }
            let url: String = chars[i..end].iter().collect();
            out.push('<');
            out.push_str(&url);
            out.push('>');
            i = end;
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push(' '),
            _ => out.push(c),
        }
        i += 1;
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the doc comment.
        out.push('`');
    }
    out
}

fn starts_with_url(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    (rest.starts_with("https://") || rest.starts_with("http://"))
        && (i == 0 || !chars[i - 1].is_alphanumeric())
}

/// If `chars[start]` opens `[text](url)`, returns the index of `]` and of `)`.
fn markdown_link(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let mut depth = 0;
    let mut i = start;
    let text_end = loop {
        match chars.get(i)? {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            _ => {}
        }
        i += 1;
    };
    if chars.get(text_end + 1) != Some(&'(') {
        return None;
    }
    let mut j = text_end + 2;
    let mut paren = 1;
    while let Some(&c) = chars.get(j) {
        match c {
            '(' => paren += 1,
            ')' => {
                paren -= 1;
                if paren == 0 {
                    return Some((text_end, j));
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{example, first_sentence, sanitize};

    #[test]
    fn first_sentences_stop_at_a_sentence_end_outside_code_and_links() {
        let table = [
            (
                "The phone number of the Participant.",
                "The phone number of the Participant.",
            ),
            ("One. Two.", "One."),
            ("Two  spaces.  Next", "Two  spaces."),
            ("Uses e.g. this. Then", "Uses e.g. this."),
            ("Set `a. B` here. More", "Set `a. B` here."),
            (
                "See [the docs. Here](https://a.b/c). Next",
                "See [the docs. Here](https://a.b/c).",
            ),
            ("Two\nlines. Next\n\nparagraph", "Two lines."),
            ("No full stop", "No full stop"),
            ("", ""),
        ];
        for (input, want) in table {
            assert_eq!(first_sentence(input), want, "first_sentence({input:?})");
        }
        // Long text without a sentence end is cut at a space, balanced.
        let long = format!("word `code {}` {}", "x ".repeat(80), "y ".repeat(80));
        let cut = first_sentence(&long);
        assert!(cut.ends_with('…') && cut.chars().count() <= 201, "{cut}");
        assert_eq!(cut.matches('`').count() % 2, 0, "{cut}");
    }

    #[test]
    fn examples_hide_their_wrapper() {
        let code = "async fn f() -> R {\n    let a = 1;\n    Ok(())\n}\n";
        assert_eq!(
            example(code).unwrap(),
            "# Example\n\n```no_run\n# async fn f() -> R {\nlet a = 1;\n# Ok(())\n# }\n```"
        );
        assert_eq!(example("let a = 1;"), None);
    }

    #[test]
    fn table() {
        let table = [
            ("plain text", "plain text"),
            (
                "See [Session](https://www.twilio.com/docs/proxy/api/session) resource.",
                "See [Session](https://www.twilio.com/docs/proxy/api/session) resource.",
            ),
            (
                "Visit https://twilio.com/x.",
                "Visit <https://twilio.com/x>.",
            ),
            ("a [b] c", "a \\[b\\] c"),
            ("Use <b>bold</b>", "Use &lt;b&gt;bold&lt;/b&gt;"),
            ("    indented\n  more", "indented\nmore"),
            ("```\ncode\n```", "```text\ncode\n```"),
            ("one\n\n\n\ntwo\n\n", "one\n\ntwo"),
            ("`a<b>` stays", "`a<b>` stays"),
            ("odd `tick", "odd `tick`"),
            ("back\\slash", "back\\\\slash"),
            ("[x](https://a.b/c d)", "[x](https://a.b/c%20d)"),
            ("(see https://a.b/c)", "(see <https://a.b/c>)"),
        ];
        for (input, want) in table {
            assert_eq!(sanitize(input), want, "sanitize({input:?})");
        }
    }
}
