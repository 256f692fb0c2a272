use super::validation::{pattern_matches, sid_shape};
use super::*;
use crate::client::{ApiInfo, Client};

#[test]
fn collapsed_maps_flatten_nested_keys_under_the_prefix() {
    let map = serde_json::json!({
        "b": {"c": {"d": "x"}, "n": 1.5, "t": false},
        "a": ["1", 2, null],
        "z": null,
        "k": {"k": {"j": "v"}}
    });
    let pairs = collapse_map("P", map.as_object().unwrap());
    let expected = [
        ("P.a", "1"),
        ("P.a", "2"),
        ("P.b.c.d", "x"),
        ("P.b.n", "1.5"),
        ("P.b.t", "false"),
        ("P.k.j", "v"),
    ];
    let got: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, expected);
    assert!(collapse_map("P", &serde_json::Map::new()).is_empty());
}

fn client() -> Client {
    Client::builder().credentials("ACaaa", "t").build().unwrap()
}

const API: ApiInfo = ApiInfo {
    name: "t_v1",
    base_url: "https://t.twilio.com",
};

const SID: Check = Check {
    pattern: Some("^KS[0-9a-fA-F]{32}$"),
    min_length: Some(34),
    max_length: Some(34),
    minimum: None,
    maximum: None,
};

#[test]
fn a_limits_page_size_stays_within_the_operations_bounds() {
    let list = || Request::new(&client(), API, reqwest::Method::GET, "/v1/Things");
    let page_size = |r: Request, limit| {
        let url = crate::calls::with_limit(r, Some(limit))
            .prepare()
            .unwrap()
            .url;
        url.query().unwrap_or_default().to_owned()
    };
    let bounded = || list().page_size_bounds(1, 100);
    assert_eq!(page_size(bounded(), 150), "PageSize=100");
    assert_eq!(page_size(bounded(), 7), "PageSize=7");
    assert_eq!(page_size(bounded(), 0), "PageSize=1");
    assert_eq!(page_size(list().page_size_bounds(20, 50), 3), "PageSize=20");
    // Bounds past the runtime's are cut to it; no bounds: the runtime's.
    assert_eq!(
        page_size(list().page_size_bounds(1, 5000), 3000),
        "PageSize=1000"
    );
    assert_eq!(page_size(list(), 3000), "PageSize=1000");
    // An explicit page size is sent as given (and checked by its own rule).
    let explicit = bounded().query("PageSize", Some(&30i64), false, &Check::NONE);
    assert_eq!(page_size(explicit, 150), "PageSize=30");
    // An operation without a `PageSize` parameter is sent without one.
    assert_eq!(page_size(list().no_page_size(), 150), "");
}

#[test]
fn path_segments_are_percent_encoded_and_query_arrays_repeat() {
    let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/Things/{Name}")
        .path("Name", "a b/c?d", &Check::NONE)
        .query(
            "Color",
            Some(&vec!["red".to_owned(), "blue".to_owned()]),
            false,
            &Check::NONE,
        )
        .query(
            "DateCreated<",
            Some(&chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()),
            false,
            &Check::NONE,
        );
    assert_eq!(
        r.url().unwrap().as_str(),
        "https://t.twilio.com/v1/Things/a%20b%2Fc%3Fd?Color=red&Color=blue&DateCreated%3C=2024-01-02"
    );
}

#[test]
fn sid_patterns_and_ranges_are_checked() {
    let good = format!("KS{}", "a".repeat(32));
    let r =
        Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}").path("Sid", &good, &SID);
    assert!(r.error.is_none());
    let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}")
        .path("Sid", "KS123", &SID);
    assert_eq!(
        r.error.unwrap().to_string(),
        "invalid argument `Sid`: `KS123` must be 34 characters, got 5"
    );
    let range = Check {
        min_length: Some(2),
        max_length: Some(4),
        ..Check::NONE
    };
    let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}")
        .path("Sid", "abcde", &range);
    assert_eq!(
        r.error.unwrap().reason,
        "`abcde` must be between 2 and 4 characters, got 5"
    );
    let bad_prefix = format!("XX{}", "a".repeat(32));
    let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S/{Sid}").path(
        "Sid",
        &bad_prefix,
        &SID,
    );
    assert!(r.error.unwrap().to_string().contains("does not match"));
    let page = Check {
        minimum: Some(1.0),
        maximum: Some(1000.0),
        ..Check::NONE
    };
    let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S").query(
        "PageSize",
        Some(&5000i64),
        false,
        &page,
    );
    assert_eq!(
        r.error.unwrap().to_string(),
        "invalid argument `PageSize`: 5000 is out of range: must be between 1 and 1000"
    );
}

#[test]
fn sid_patterns_are_checked_by_hand_as_the_regex_would() {
    assert_eq!(sid_shape("^KS[0-9a-fA-F]{32}$"), Some(("KS", 32)));
    for other in [
        "^KS[0-9a-f]{32}$",
        "^K.[0-9a-fA-F]{32}$",
        "KS[0-9a-fA-F]{32}",
        "^KS[0-9a-fA-F]{32}x$",
        "^[a-z]+$",
    ] {
        assert_eq!(sid_shape(other), None, "{other}");
    }
    let pattern = "^KS[0-9a-fA-F]{32}$";
    let re = regex_lite::Regex::new(pattern).unwrap();
    let hex = "0123456789abcdefABCDEF0123456789";
    for value in [
        format!("KS{hex}"),
        format!("KS{hex}0"),
        format!("KS{}", &hex[1..]),
        format!("KC{hex}"),
        format!("ks{hex}"),
        format!("KS{}g", &hex[1..]),
        format!("KS{}é", &hex[2..]),
        format!("xKS{}", &hex[1..]),
        String::new(),
        "KS".to_owned(),
    ] {
        assert_eq!(
            pattern_matches(pattern, &value),
            re.is_match(&value),
            "{value}"
        );
    }
}

#[test]
fn per_operation_servers_and_media_types_are_honoured() {
    let r = Request::new(&client(), API, reqwest::Method::POST, "/v1/S/{Sid}/L")
        .server("https://labels.twilio.com")
        .path("Sid", "x", &Check::NONE)
        .content_type("application/merge-patch+json")
        .accept("application/scim+json")
        .json_field("Label", Some(&"a"));
    let p = r.prepare().unwrap();
    assert!(p
        .headers
        .iter()
        .any(|(k, v)| k == "Accept" && v == "application/scim+json"));
    assert_eq!(p.url.as_str(), "https://labels.twilio.com/v1/S/x/L");
    assert!(p
        .headers
        .iter()
        .any(|(k, v)| k == "Content-Type" && v == "application/merge-patch+json"));
    let overridden = Client::builder()
        .credentials("ACaaa", "t")
        .base_url(API, "http://127.0.0.1:9")
        .build()
        .unwrap();
    let r = Request::new(&overridden, API, reqwest::Method::GET, "/v1/S")
        .server("https://labels.twilio.com");
    assert_eq!(r.url().unwrap().as_str(), "http://127.0.0.1:9/v1/S");
}

#[test]
fn secret_headers_are_sent_but_never_shown() {
    let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S").secret_header(
        "Authorization",
        Some(&"Token hidden-jwt"),
        false,
        &Check::NONE,
    );
    let p = r.prepare().unwrap();
    assert!(p
        .headers
        .iter()
        .any(|(k, v)| k == "Authorization" && v == "Token hidden-jwt" && v.is_secret()));
    for shown in [format!("{r:?}"), format!("{p:?}")] {
        assert!(!shown.contains("hidden-jwt"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
    let short = Check {
        max_length: Some(3),
        ..Check::NONE
    };
    let r = Request::new(&client(), API, reqwest::Method::GET, "/v1/S").secret_header(
        "Authorization",
        Some(&"Token hidden-jwt"),
        false,
        &short,
    );
    let e = r.prepare().unwrap_err().to_string();
    assert!(
        e.contains("Authorization") && !e.contains("hidden-jwt"),
        "{e}"
    );
}

#[test]
fn required_values_must_not_be_empty() {
    let r = Request::new(&client(), API, reqwest::Method::POST, "/v1/S").form(
        "MediaProperties",
        Some(&serde_json::Value::String(String::new())),
        true,
        &Check::NONE,
    );
    assert!(r
        .error
        .unwrap()
        .to_string()
        .contains("`MediaProperties`: is required"));
}

#[test]
fn params_encode_as_twilio_expects() {
    let mut out = Vec::new();
    serde_json::json!({"a": [1, true]}).push_values(&mut out);
    serde_json::json!("{\"pre\": 1}").push_values(&mut out);
    true.push_values(&mut out);
    chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.987+02:00")
        .unwrap()
        .with_timezone(&chrono::Utc)
        .push_values(&mut out);
    assert_eq!(
        out,
        [
            r#"{"a":[1,true]}"#,
            r#"{"pre": 1}"#,
            "true",
            "2024-05-06T05:08:09Z"
        ]
    );
}
