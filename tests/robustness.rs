//! Property tests: arbitrary Unicode values and arbitrary bytes as snapshot files never panic.

use std::path::Path;

use proptest::prelude::*;
use sigma_idp_lint::config::Config;
use sigma_idp_lint::engine;
use sigma_idp_lint::matching::Expectations;
use sigma_idp_lint::model::Model;
use sigma_idp_lint::report::{Format, Report, Style};
use sigma_idp_lint::snapshot::azure::{AppRoleRecord, AzureApp};
use sigma_idp_lint::snapshot::okta::{
    EnumMember, OktaApp, OneOfMember, SchemaPart, UserTypeAttribute,
};
use sigma_idp_lint::snapshot::sigma::AccountTypeRecord;
use sigma_idp_lint::snapshot::{self, AzureSnapshot, Kind, OktaSnapshot, SigmaSnapshot, Snapshot};

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ a-zA-Z\u{A0}\u{200B}\u{430}\u{301}\u{FF21}_.]{0,12}",
        Just("Essential ".to_string()),
        Just("viewer".to_string()),
        // Strings YAML could read as something else: the writer must quote them.
        prop::sample::select(vec![
            "123", "-0", "0x1F", "0o17", "1e3", ".inf", "true", "False", "yes", "off", "null", "~",
            "", " ", "- a", "# x", "a: b", "'q'", "\"d\"", "@x", "*alias", "&anchor", "!tag",
            "%YAML", "---", "...", "<<", "[x]", "{x}", "a\nb", "\t",
        ])
        .prop_map(str::to_string),
    ]
}

fn build(
    types: Vec<(String, bool)>,
    values: Vec<String>,
    roles: Vec<Option<String>>,
) -> Vec<Snapshot> {
    let header = |kind| {
        (
            kind,
            1,
            "2026-12-04T00:00:00Z".to_string(),
            "test".to_string(),
        )
    };
    let (k, v, t, o) = header(Kind::Sigma);
    let sigma = SigmaSnapshot {
        kind: k,
        schema_version: v,
        taken_at: t,
        origin: o,
        account_types: types
            .into_iter()
            .enumerate()
            .map(|(i, (name, is_custom))| AccountTypeRecord {
                id: format!("at{i}"),
                name,
                description: None,
                is_custom,
            })
            .collect(),
        members: None,
    };
    let (k, v, t, o) = header(Kind::Okta);
    let okta = OktaSnapshot {
        kind: k,
        schema_version: v,
        taken_at: t,
        origin: o,
        app: OktaApp {
            id: "0oa".into(),
            label: "Sigma".into(),
        },
        attribute: Some(UserTypeAttribute {
            variable: "userType".into(),
            found_in: SchemaPart::Custom,
            title: None,
            data_type: "string".into(),
            enum_values: Some(values.iter().cloned().map(EnumMember::Text).collect()),
            one_of: Some(
                values
                    .iter()
                    .rev()
                    .map(|v| OneOfMember {
                        value: EnumMember::Text(v.clone()),
                        title: v.to_uppercase(),
                    })
                    .collect(),
            ),
        }),
        app_users: None,
        group_assignments: None,
    };
    let (k, v, t, o) = header(Kind::Azure);
    let azure = AzureSnapshot {
        kind: k,
        schema_version: v,
        taken_at: t,
        origin: o,
        app: AzureApp {
            app_id: "a".into(),
            service_principal_id: "sp".into(),
            display_name: None,
        },
        app_roles: roles
            .into_iter()
            .enumerate()
            .map(|(i, value)| AppRoleRecord {
                id: format!("r{i}"),
                value,
                display_name: format!("Role {i}"),
                description: None,
                is_enabled: i % 3 != 0,
                allowed_member_types: if i % 4 == 0 {
                    vec!["Application".into()]
                } else {
                    vec!["User".into()]
                },
                origin: None,
            })
            .collect(),
        assignments: None,
        group_members: None,
    };
    vec![
        Snapshot::Sigma(sigma),
        Snapshot::Okta(okta),
        Snapshot::Azure(azure),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Arbitrary values go through YAML, the loader, every rule and both reporters.
    #[test]
    fn arbitrary_unicode_values_never_panic(
        types in prop::collection::vec((value(), any::<bool>()), 0..6),
        values in prop::collection::vec(value(), 0..8),
        roles in prop::collection::vec(prop::option::of(value()), 0..6),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut loaded = Vec::new();
        for s in build(types, values, roles) {
            let path = dir.path().join(s.kind().file_name());
            snapshot::save(&path, s.clone()).expect("serializable");
            let l = snapshot::load(&path).expect("what we write, we read");
            prop_assert_eq!(&l.snapshot, &{ let mut s = s.clone(); s.sort(); s });
            loaded.push(l);
        }
        let model = Model::build(loaded, Config::default()).expect("model");
        let findings = engine::run(&model);
        let report = Report { model: &model, findings: &findings, summary: engine::Summary::of(&findings), fail_on: None, suppressed: &[], baseline: None, root: None };
        for f in <Format as strum::IntoEnumIterator>::iter() {
            let mut out = Vec::new();
            f.reporter().write(&report, Style { color: true, unicode: true }, &mut out).expect("writes");
        }
    }

    /// The classification ladder accepts any string.
    #[test]
    fn classify_never_panics(expected in prop::collection::vec(any::<String>(), 0..5), v in any::<String>()) {
        let e = Expectations::new(expected);
        let _ = e.classify(&v);
    }

    /// Arbitrary bytes as a snapshot file: an error or a snapshot, never a panic.
    #[test]
    fn arbitrary_bytes_as_snapshot_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.yaml");
        std::fs::write(&path, &bytes).expect("write");
        let _ = snapshot::load(&path);
    }

    /// YAML-looking text, valid or not, with a known header.
    #[test]
    fn arbitrary_yaml_text_never_panics(body in "(kind: (sigma|okta|azure)\n)?(schema_version: [0-9]\n)?[a-z_:\\[\\]{}, \n\"'-]{0,200}") {
        let _ = snapshot::parse(Path::new("x.yaml"), &body);
        let _ = Config::parse(Path::new("c.yaml"), &body);
    }
}
