//! Property tests of the request parser and the JSON → command mapping: random bytes, random
//! JSON documents and mutations of valid bodies never panic, the limits hold for whatever
//! parses, and the allow-list never lets a read-only token write or anyone run an
//! administrative command. Then the same kinds of bodies over HTTP, to random routes, against
//! a running bridge: every answer is JSON with an expected status, and the bridge lives on.

mod support;

use edgecache_bridge::loadgen::Client;
use edgecache_bridge::protocol::{
    Access, Encoding, Limits, Policy, Rights, memcached_access, parse_body, redis_access,
};
use proptest::prelude::*;
use serde_json::Value as Json;

const LIMITS: Limits = Limits {
    max_body: 4096,
    max_commands: 8,
    max_value: 64,
};

const VALID: &[&str] = &[
    r#"["SET","k","v","EX","300"]"#,
    r#"["GET","k"]"#,
    r#"[["SET","a","1"],["INCR","a"],["MGET","a","b"]]"#,
    r#"["set",":1:k","dmFsdWU=","0","300"]"#,
    r#"[["get_multi","a","b"],["flush_all"]]"#,
    r#"["EVAL","return 1","0"]"#,
    r#"["KEYS","*"]"#,
    r#"["CONFIG","GET","*"]"#,
    r#"[1,true,"x",2.5e10,-0]"#,
];

fn encodings() -> impl Strategy<Value = Encoding> {
    (any::<bool>(), any::<bool>()).prop_map(|(args_base64, results_base64)| Encoding {
        args_base64,
        results_base64,
    })
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_map(Json::from),
        "[A-Za-z_:]{0,12}".prop_map(Json::String),
        prop::sample::select(vec![
            "GET",
            "SET",
            "DEL",
            "FLUSHDB",
            "FLUSHALL",
            "KEYS",
            "EVAL",
            "SCRIPT",
            "CONFIG",
            "SHUTDOWN",
            "get",
            "set",
            "flush_all",
            "incr",
            "cas",
            "",
            "é",
        ])
        .prop_map(|s| Json::String(s.to_string())),
        ".{0,80}".prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 64, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..10).prop_map(Json::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
            any::<usize>().prop_map(Mutation::Delete),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), any::<usize>()).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        ],
        1..6,
    )
}

fn mutate(body: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = body.as_bytes().to_vec();
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Flip(i, b) if !bytes.is_empty() => bytes[i % len] ^= b,
            Mutation::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
            Mutation::Delete(i) if !bytes.is_empty() => {
                bytes.remove(i % len);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (bytes.len() + 1)),
            Mutation::Duplicate(i, n) if !bytes.is_empty() => {
                let start = i % len;
                let end = (start + n % 64).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(start..start, copy);
            }
            _ => {}
        }
    }
    bytes
}

/// Whatever parses is within the limits, and the allow-list is sound for it.
fn check(body: &[u8], batch: bool, encoding: Encoding) {
    let Ok(commands) = parse_body(body, batch, encoding, &LIMITS) else {
        return;
    };
    assert!(!commands.is_empty());
    assert!(batch || commands.len() == 1);
    assert!(commands.len() <= LIMITS.max_commands);
    for command in &commands {
        assert!(!command.is_empty() && !command[0].is_empty() && command[0].len() <= 32);
        assert!(command.iter().all(|a| a.len() <= LIMITS.max_value));
        for access in [redis_access(command), memcached_access(command)] {
            for policy in [
                Policy::default(),
                Policy {
                    allow_keys: true,
                    allow_scripts: true,
                },
            ] {
                let read_only = policy.permit(Rights::ReadOnly, access, &command[0]);
                let admin = policy.permit(Rights::Admin, access, &command[0]);
                match access {
                    Access::Never => assert!(admin.is_err()),
                    Access::Write | Access::Flush | Access::Script => {
                        assert!(read_only.is_err())
                    }
                    Access::Keys => assert_eq!(admin.is_ok(), policy.allow_keys),
                    Access::Read => assert!(read_only.is_ok()),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512), batch: bool, encoding in encodings()) {
        check(&body, batch, encoding);
    }

    #[test]
    fn random_json_never_panics(json in json_value(), batch: bool, encoding in encodings()) {
        check(json.to_string().as_bytes(), batch, encoding);
    }

    #[test]
    fn mutated_valid_bodies_never_panic(which in 0..VALID.len(), m in mutations(), batch: bool, encoding in encodings()) {
        check(&mutate(VALID[which], &m), batch, encoding);
    }

    #[test]
    fn well_formed_commands_parse_to_their_arguments(args in prop::collection::vec("[ -~]{1,20}", 1..6)) {
        let body = Json::Array(args.iter().cloned().map(Json::String).collect()).to_string();
        let parsed = parse_body(body.as_bytes(), false, Encoding::default(), &LIMITS).unwrap();
        let expected: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        prop_assert_eq!(parsed, vec![expected]);
    }
}

const ROUTES: &[&str] = &[
    "/",
    "/pipeline",
    "/multi-exec",
    "/redis/0",
    "/redis/0/pipeline",
    "/redis/1",
    "/memcached",
    "/memcached/pipeline",
    "/nope",
    "/redis/0/x",
];

#[test]
fn random_requests_to_a_running_bridge() {
    let redis = support::redis();
    let memcached = support::memcached();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let memcached_at = format!("127.0.0.1:{}", memcached.port);
    let bridge = support::Bridge::start(&[
        "--redis",
        &redis_url,
        "--memcached",
        &memcached_at,
        "--max-body",
        "4096",
        "--max-commands",
        "8",
        "--max-value",
        "64",
    ]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = std::cell::RefCell::new(
        runtime
            .block_on(Client::connect(&bridge.url, None))
            .unwrap(),
    );
    let send = |route: &str, body: &[u8], base64: bool| {
        let headers: &[(&str, &str)] = if base64 {
            &[
                ("Edgecache-Arguments", "base64"),
                ("Upstash-Encoding", "base64"),
            ]
        } else {
            &[]
        };
        let (status, answer) = runtime
            .block_on(client.borrow_mut().request("POST", route, headers, body))
            .unwrap_or_else(|e| panic!("{route} {:?}: {e}", String::from_utf8_lossy(body)));
        assert!(
            [200, 400, 403, 404, 413].contains(&status),
            "{route} {:?}: {status}",
            String::from_utf8_lossy(body)
        );
        let json: Json = serde_json::from_slice(&answer).unwrap_or_else(|e| {
            panic!(
                "{route}: not JSON ({e}): {:?}",
                String::from_utf8_lossy(&answer)
            )
        });
        if status != 200 {
            assert!(json["error"].is_string(), "{route}: {json}");
        }
    };
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 400,
        ..ProptestConfig::default()
    });
    let strategy = (
        0..ROUTES.len(),
        prop_oneof![
            json_value().prop_map(|j| j.to_string().into_bytes()),
            (0..VALID.len(), mutations()).prop_map(|(i, m)| mutate(VALID[i], &m)),
            prop::collection::vec(any::<u8>(), 0..256),
        ],
        any::<bool>(),
    );
    runner
        .run(&strategy, |(route, body, base64)| {
            send(ROUTES[route], &body, base64);
            Ok(())
        })
        .unwrap();
    send("/", br#"["SET","still","alive"]"#, false);
    let health = runtime
        .block_on(client.borrow_mut().request("GET", "/healthz", &[], b""))
        .unwrap();
    assert_eq!(health.0, 200);
}
