//! `oneOf`/`anyOf` unions and `prefixed-collapsible-map` parameters, through the
//! fixture crate (`generator/tests/fixtures/variants.yaml`): each variant decodes
//! from what its schema describes, a discriminator (and its mapping) selects the
//! variant, a value no variant describes is kept as `Other`, unions encode back as
//! sent, and collapsible maps go on the wire as `<Prefix>.<key>=<value>`.

mod common;

use common::{ACCOUNT, TOKEN};
use fixture_client::variants::models::{
    Cat, Circle, Dog, Holder, HolderAny, HolderLabels, HolderOwner, HolderValue, Pet, Rectangle,
    Shape,
};
use fixture_client::Client;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(ACCOUNT, TOKEN)
        .base_url(fixture_client::variants::API, server.uri())
        .build()
        .unwrap()
}

fn decode<T: twilio_rest_runtime::serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_discriminator_and_its_mapping_select_the_variant() {
    // No mapping entry for Cat: its schema name is its tag.
    let cat: Pet = decode(json!({"pet_type": "Cat", "name": "Tom", "lives": 9}));
    let Pet::Cat(cat) = cat else {
        panic!("{cat:?}")
    };
    assert_eq!((cat.name.as_str(), cat.lives), ("Tom", Some(9)));
    // The mapping names Dog `doggo`; Dog's schema does not declare the tag.
    let dog: Pet = decode(json!({"pet_type": "doggo", "name": "Rex", "good": true}));
    assert!(
        matches!(&dog, Pet::Dog(d) if d.name == "Rex" && d.good),
        "{dog:?}"
    );
    // The tag decides, not the shape: a Dog-shaped value tagged `Cat` is a Cat.
    let tagged: Pet = decode(json!({"pet_type": "Cat", "name": "Felix"}));
    assert!(matches!(tagged, Pet::Cat(_)), "{tagged:?}");
}

#[test]
fn unknown_tags_and_unmatched_values_are_kept_as_other() {
    let bird = json!({"pet_type": "bird", "name": "Tweety"});
    let pet: Pet = decode(bird.clone());
    assert_eq!(pet, Pet::Other(bird.clone()));
    assert!(pet.is_other());
    // Kept as received, so it encodes back unchanged.
    assert_eq!(serde_json::to_value(&pet).unwrap(), bird);
    let shape: Shape = decode(json!({"sides": 5}));
    assert_eq!(shape, Shape::Other(json!({"sides": 5})));
    let value: HolderValue = decode(json!(1.5));
    assert_eq!(value, HolderValue::Other(json!(1.5)));
}

#[test]
fn a_known_tag_with_a_body_that_does_not_fit_is_an_error() {
    let err = serde_json::from_value::<Pet>(json!({"pet_type": "Cat"})).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`Cat` variant of `Pet`"), "{text}");
    assert!(text.contains("missing field `name`"), "{text}");
}

#[test]
fn untagged_variants_are_tried_most_specific_first() {
    // Both shapes fit an object with a radius, width and height; the rectangle
    // (two required properties) is tried first.
    let both: Shape = decode(json!({"radius": 1.0, "width": 2.0, "height": 3.0}));
    assert!(
        matches!(&both, Shape::Rectangle(r) if r.width == 2.0),
        "{both:?}"
    );
    let circle: Shape = decode(json!({"radius": 1.0, "width": 2.0}));
    // Response-only models are `#[non_exhaustive]`: built by decoding, not literals.
    let one: Circle = decode(json!({"radius": 1.0}));
    assert_eq!(circle, Shape::Circle(Box::new(one)));
    // Integers before strings; lists before single values; booleans before numbers.
    assert_eq!(decode::<HolderValue>(json!(7)), HolderValue::Integer(7));
    assert_eq!(
        decode::<HolderValue>(json!("7")),
        HolderValue::String("7".into())
    );
    assert_eq!(
        decode::<HolderLabels>(json!(["a", "b"])),
        HolderLabels::StringList(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        decode::<HolderLabels>(json!("a")),
        HolderLabels::String("a".into())
    );
    assert_eq!(decode::<HolderAny>(json!(true)), HolderAny::Bool(true));
    assert_eq!(decode::<HolderAny>(json!(2)), HolderAny::Number(2.0));
}

#[test]
fn nested_and_nullable_unions() {
    let h: Holder = decode(json!({"owner": null}));
    assert_eq!(h.owner, None);
    let h: Holder = decode(json!({"owner": "Jon"}));
    assert_eq!(h.owner, Some(HolderOwner::String("Jon".into())));
    // A nested union matches only through one of its own variants: a string is
    // not a `Pet::Other`.
    let h: Holder = decode(json!({"owner": {"pet_type": "doggo", "name": "Odie", "good": false}}));
    assert!(
        matches!(&h.owner, Some(HolderOwner::Pet(p)) if matches!(**p, Pet::Dog(_))),
        "{h:?}"
    );
    let h: Holder = decode(json!({"owner": 3}));
    assert_eq!(h.owner, Some(HolderOwner::Other(json!(3))));
}

#[test]
fn unions_encode_their_variant_with_its_tag() {
    let dog = Pet::from(Dog {
        name: "Rex".into(),
        good: true,
    });
    assert_eq!(
        serde_json::to_value(&dog).unwrap(),
        json!({"pet_type": "doggo", "name": "Rex", "good": true})
    );
    // A variant that states its tag keeps it.
    let cat = Pet::from(Cat {
        pet_type: "Cat".into(),
        name: "Tom".into(),
        lives: None,
    });
    assert_eq!(
        serde_json::to_value(&cat).unwrap(),
        json!({"pet_type": "Cat", "name": "Tom"})
    );
    let rect = Shape::from(decode::<Rectangle>(json!({"width": 1.0, "height": 2.0})));
    assert_eq!(
        serde_json::to_value(&rect).unwrap(),
        json!({"width": 1.0, "height": 2.0})
    );
    assert_eq!(
        serde_json::to_value(HolderValue::from(5)).unwrap(),
        json!(5)
    );
}

#[tokio::test]
async fn a_union_is_a_typed_json_body_and_a_typed_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Pets"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"pet_type": "doggo", "name": "Rex", "good": true})),
        )
        .mount(&server)
        .await;
    let created = client(&server)
        .variants()
        .pets()
        .create(Dog {
            name: "Rex".into(),
            good: true,
        })
        .await
        .unwrap();
    assert!(matches!(&created, Pet::Dog(d) if d.good), "{created:?}");
    let req = common::only_request(&server).await;
    let sent: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        sent,
        json!({"pet_type": "doggo", "name": "Rex", "good": true})
    );
}

#[tokio::test]
async fn collapsible_maps_are_sent_as_prefixed_keys() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/Lookups"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sid": "LU1"})))
        .mount(&server)
        .await;
    client(&server)
        .variants()
        .lookups()
        .fetch()
        .add_ons_data(json!({
            "payfone_tcpa_compliance": {"RightPartyContactedDate": 20160101, "opt": true},
            "name": "x y",
            "tags": ["a", "b"],
            "skip": null
        }))
        .await
        .unwrap();
    let req = common::only_request(&server).await;
    let query = common::url_pairs(req.url.query().unwrap_or(""));
    assert_eq!(
        query,
        common::pairs(&[
            ("AddOns.name", "x y"),
            (
                "AddOns.payfone_tcpa_compliance.RightPartyContactedDate",
                "20160101"
            ),
            ("AddOns.payfone_tcpa_compliance.opt", "true"),
            ("AddOns.tags", "a"),
            ("AddOns.tags", "b"),
        ])
    );
}

#[tokio::test]
async fn collapsible_form_fields_use_their_prefix_and_reject_non_objects() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Lookups"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "LU1"})))
        .mount(&server)
        .await;
    let variants = client(&server).variants();
    variants
        .lookups()
        .create()
        .name("n")
        .parameters(json!({"a": {"a": 1, "b": "2"}}))
        .await
        .unwrap();
    let req = common::only_request(&server).await;
    // A key already on its path is not repeated, as twilio-node does:
    // `{"a": {"a": 1}}` is `Parameter.a`.
    assert_eq!(
        common::form_pairs(&req),
        common::pairs(&[("Name", "n"), ("Parameter.a", "1"), ("Parameter.a.b", "2")])
    );
    let err = variants
        .lookups()
        .create()
        .parameters(json!(["not", "a", "map"]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Parameters"), "{err}");
    assert!(err.to_string().contains("must be a JSON object"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[test]
fn all_of_with_a_variant_part_is_a_struct_with_a_flattened_enum() {
    use fixture_client::variants::models::{Event, EventVariant, Sample, SampleVariant};
    let click: Event =
        decode(json!({"id": "EV1", "type": "click", "at": "2024-01-02T03:04:05Z", "x": 3}));
    assert_eq!(click.id, "EV1");
    assert!(click.at.is_some());
    // The discriminator is the variant's, not a common field.
    assert!(
        matches!(&click.variant, EventVariant::Click(c) if c.x == 3 && c.r#type == "click"),
        "{click:?}"
    );
    let json = serde_json::to_value(&click).unwrap();
    assert_eq!(
        json,
        json!({"id": "EV1", "type": "click", "at": "2024-01-02T03:04:05Z", "x": 3})
    );
    // A new kind keeps its properties in `Other`; the common ones stay typed.
    let hover: Event = decode(json!({"id": "EV2", "type": "hover", "y": 4}));
    assert_eq!(hover.id, "EV2");
    assert_eq!(
        hover.variant,
        EventVariant::Other(json!({"type": "hover", "y": 4}))
    );
    // Without a discriminator: the variant whose required properties are there.
    let failed: Sample = decode(json!({"label": "t", "error": "timeout"}));
    assert_eq!(failed.label.as_deref(), Some("t"));
    assert!(
        matches!(&failed.variant, SampleVariant::Failure(f) if f.error == "timeout"),
        "{failed:?}"
    );
    let read: Sample = decode(json!({"value": 1.5}));
    assert!(
        matches!(&read.variant, SampleVariant::Reading(r) if r.value == 1.5),
        "{read:?}"
    );
}

#[test]
fn a_discriminator_beside_all_of_selects_the_variant_of_its_one_of_part() {
    use fixture_client::variants::models::{Message, MessageVariant, SmsBody};
    let email: Message = decode(json!({"sid": "SM1", "channel": "email", "subject": "Hi"}));
    assert_eq!(email.sid, "SM1");
    assert!(
        matches!(&email.variant, MessageVariant::EmailBody(e) if e.subject == "Hi" && e.html.is_none()),
        "{email:?}"
    );
    // The tag decides even where the shape would fit another variant.
    let sms: Message =
        decode(json!({"sid": "SM2", "channel": "sms", "text": "yo", "subject": "x"}));
    assert!(
        matches!(&sms.variant, MessageVariant::SmsBody(s) if s.text == "yo"),
        "{sms:?}"
    );
    // SmsBody does not declare `channel`: encoding writes the tag back.
    // `Message` is `#[non_exhaustive]` (response-only): decode one and set its
    // fields.
    let mut built = sms.clone();
    built.sid = "SM3".into();
    built.variant = decode::<SmsBody>(json!({"text": "hi"})).into();
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        json!({"sid": "SM3", "channel": "sms", "text": "hi"})
    );
}

#[tokio::test]
async fn an_all_of_with_a_one_of_request_body_is_sent_whole() {
    use fixture_client::variants::models::{Click, Event, EventVariant};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/Events"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "E1", "type": "click", "x": 3})),
        )
        .mount(&server)
        .await;
    let event = Event {
        id: "E1".to_owned(),
        at: None,
        variant: EventVariant::Click(Box::new(Click {
            r#type: "click".to_owned(),
            x: 3,
        })),
    };
    let created = client(&server)
        .variants()
        .events()
        .create(event.clone())
        .await
        .unwrap();
    assert_eq!(created, event);
    let reqs = server.received_requests().await.unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&reqs[0].body).unwrap();
    // The common properties and the variant's, not only the common ones.
    assert_eq!(sent, json!({"id": "E1", "type": "click", "x": 3}));
}

#[tokio::test]
async fn an_all_of_with_a_one_of_form_body_is_sent_whole() {
    use fixture_client::variants::models::{Click, Event, EventVariant};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/EventForms"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "E1", "type": "click", "x": 3})),
        )
        .mount(&server)
        .await;
    let event = Event {
        id: "E1".to_owned(),
        at: None,
        variant: EventVariant::Click(Box::new(Click {
            r#type: "click".to_owned(),
            x: 3,
        })),
    };
    client(&server)
        .variants()
        .event_forms()
        .create(event)
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    let content_type = reqs[0]
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    let mut sent: Vec<(String, String)> = url::form_urlencoded::parse(&reqs[0].body)
        .into_owned()
        .collect();
    sent.sort();
    // The common properties and the variant's, each one form field; the unset
    // optional `at` is left out.
    let expected =
        [("id", "E1"), ("type", "click"), ("x", "3")].map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert_eq!(sent, expected);
}
