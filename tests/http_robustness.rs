//! The HTTP layer never panics: header utilities, dates, requests and the replay of HTTP
//! operations on random and mutated inputs.

use edgecache::Value;
use edgecache::http::date::{http_date, parse_http_date_safe, parse_iso_datetime};
use edgecache::http::model::split_header_list;
use edgecache::http::{
    Headers, HttpSettings, Request, get_max_age, has_vary_header, patch_cache_control,
    patch_vary_headers,
};
use edgecache::replay::{self, Trace};
use proptest::prelude::*;

fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ ,=a-zA-Z0-9*\\-\t]{0,30}",
        any::<String>(),
        Just(String::from(
            "max-age=170141183460469231731687303715884105727, no-cache=x"
        )),
    ]
}

fn kwarg_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Bool(true)),
        Just(Value::Bool(false)),
        Just(Value::None),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::Float),
        "[a-zA-Z\\-]{0,8}".prop_map(Value::from),
        Just(Value::List(vec![])),
    ]
}

proptest! {
    #[test]
    fn header_utilities_never_panic(
        cc in header_text(),
        vary in header_text(),
        kwargs in prop::collection::vec(("[a-z_]{1,10}", kwarg_value()), 0..5),
        new in prop::collection::vec(header_text(), 0..3),
        query in header_text(),
    ) {
        let mut headers = Headers::new();
        let _ = headers.set("Cache-Control", &cc);
        let _ = headers.set("Vary", &vary);
        let _ = patch_cache_control(&mut headers, &kwargs);
        let _ = patch_vary_headers(&mut headers, &new);
        let _ = has_vary_header(&headers, &query);
        let _ = get_max_age(&headers);
        let _ = split_header_list(&cc);
    }

    #[test]
    fn dates_never_panic(text in any::<String>(), unix in any::<f64>()) {
        let _ = parse_http_date_safe(&text, unix);
        let _ = parse_iso_datetime(&text);
        let _ = http_date(unix);
    }

    #[test]
    fn requests_never_panic(target in any::<String>(), host in any::<String>(), secure in any::<bool>()) {
        let mut request = Request::from_target("get", &target, secure);
        request.set_header("Host", &host);
        let _ = request.build_absolute_uri(&HttpSettings::oracle());
        let _ = request.cookies();
    }

    #[test]
    fn http_ops_never_panic(
        path in any::<String>(),
        status in any::<i64>(),
        cc in header_text(),
        timeout in kwarg_value(),
        handler in prop_oneof![Just("cache_page"), Just("site"), Just("cache_middleware"), Just("x")],
    ) {
        let spec = Value::Dict(vec![
            (Value::from("op"), Value::from("request")),
            (Value::from("request"), Value::Dict(vec![(Value::from("path"), Value::from(path.as_str()))])),
            (Value::from("view"), Value::Dict(vec![
                (Value::from("status"), Value::from(status)),
                (Value::from("headers"), Value::Dict(vec![(Value::from("Cache-Control"), Value::from(cc.as_str()))])),
            ])),
            (Value::from("handler"), Value::from(handler)),
            (Value::from("handler_kwargs"), Value::Dict(vec![(Value::from("timeout"), timeout)])),
        ]);
        let text = replay::jsonify(&Value::Dict(vec![
            (Value::from("ops"), Value::List(vec![spec.clone(), spec])),
        ])).to_text();
        let trace = Trace::parse(&text, "t").unwrap();
        let _ = replay::replay(&trace, "locmem");
    }
}
