//! Pure helpers that turn verified session claims into auth properties (v1 and v2 claim formats).
//!
//! This is the port of `__experimental_JWTPayloadToAuthObjectProperties` and `splitByScope` from
//! `@clerk/shared`. Nothing here does I/O or verification: the claims handed in
//! have already been verified.
//!
//! Where upstream throws or reads a value of an unexpected type, we take the fail-closed reading
//! (a malformed claim must never grant access, nor crash the request; see the notes on each
//! function):
//! * a `fea`/`pla` element without a colon is skipped and flagged as `malformed` instead of
//!   throwing; checks that read the claim then fail closed (`has()` in `authorization.rs`);
//! * under v2, a `fea`, `o.per` or `o.fpm` that is not a string counts as empty (upstream throws a
//!   `TypeError` on `.split`), and an `o` that is not a JSON object counts as absent;
//! * under v2, `o.rol` must be a non-empty string to give a role;
//! * under v1, an `org_permissions` that is not an array gives no permissions, and its non-string
//!   elements are dropped (upstream passes the raw value through).

use serde_json::{Map, Value};

/// The `scope:value` elements of a `fea` or `pla` claim, split by scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScopedValues<'a> {
    /// Values whose scope is `o`, `ou` or `uo`, in claim order.
    pub(crate) org: Vec<&'a str>,
    /// Values whose scope is `u`, `ou` or `uo`, in claim order.
    pub(crate) user: Vec<&'a str>,
    /// At least one element had no colon (upstream throws on such a claim).
    pub(crate) malformed: bool,
}

/// Upstream `splitByScope`: split on `,`, trim each element; an element must contain `:` (scope =
/// before the first colon, value = after it).
///
/// Scope `o` goes to `org`, `u` to `user`, `ou`/`uo` to both; other scopes are ignored. An element
/// without a colon (including the empty element of `"o:a,"` or a blank claim such as `" "`) is
/// skipped and sets `malformed = true`: upstream throws, we ignore the element and let the checks
/// that need the claim fail closed. An empty claim gives empty lists.
pub(crate) fn split_by_scope(claim: &str) -> ScopedValues<'_> {
    let mut out = ScopedValues::default();
    if claim.is_empty() {
        return out;
    }
    for element in claim.split(',').map(js_trim) {
        let Some((scope, value)) = element.split_once(':') else {
            out.malformed = true;
            continue;
        };
        match scope {
            "o" => out.org.push(value),
            "u" => out.user.push(value),
            "ou" | "uo" => {
                out.org.push(value);
                out.user.push(value);
            }
            _ => {}
        }
    }
    out
}

/// v2 permission expansion (as `@clerk/shared` does it): the `fea` claim, `o.per` and `o.fpm`.
///
/// An empty `per` or `fpm` gives no permissions. Each `fpm` element is an arbitrary-precision
/// decimal mask (`^\d+$`, otherwise that feature gets nothing), read least-significant bit first;
/// bit `j` grants `per[j]`, and bits beyond `per` are dropped. Org features (the org list of
/// [`split_by_scope`], so after scope filtering) are paired with `fpm` elements by position;
/// features with no `fpm` entry get nothing. The output is ordered by feature, then by permission
/// index, and each entry is `org:<feature>:<permission>`.
pub(crate) fn v2_org_permissions(fea: &str, per: &str, fpm: &str) -> Vec<String> {
    if per.is_empty() || fpm.is_empty() {
        return Vec::new();
    }
    let features = split_by_scope(fea).org;
    let permissions: Vec<&str> = per.split(',').map(js_trim).collect();
    let mut out = Vec::new();
    for (feature, mask) in features.iter().zip(fpm.split(',')) {
        let Some(bits) = mask_bits(js_trim(mask), permissions.len()) else {
            continue;
        };
        for (permission, granted) in permissions.iter().zip(bits) {
            if granted {
                out.push(format!("org:{feature}:{permission}"));
            }
        }
    }
    out
}

/// Org fields derived from a claims object, v1 or v2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OrgClaims {
    /// Active organization id (`org_id`, or `o.id` under v2).
    pub(crate) id: Option<String>,
    /// Active organization slug (`org_slug`, or `o.slg` under v2).
    pub(crate) slug: Option<String>,
    /// Role in the active organization (`org_role`, or `"org:" + o.rol` under v2).
    pub(crate) role: Option<String>,
    /// Permissions in the active organization (`org_permissions`, or the v2 expansion of `fea`, `o.per` and `o.fpm`).
    pub(crate) permissions: Option<Vec<String>>,
}

/// Reads the org fields of a verified claims object.
///
/// The token is v2 iff `v` is the JSON number 2; as in JavaScript (`2.0 === 2`), a float `2.0`
/// counts, while `"2"`, `2.5`, `3` or a missing `v` take the v1 path.
///
/// * v1: `org_id`, `org_slug`, `org_role` when they are strings (no prefixing), and
///   `org_permissions` when it is an array (its non-string elements are dropped).
/// * v2: only when `o` is a JSON object (anything else counts as absent, giving all `None`):
///   `id = o.id`, `slug = o.slg`, `role = "org:" + o.rol` when `rol` is a non-empty string (the
///   prefix is prepended unconditionally, so `org:admin` becomes `org:org:admin`; `has()`
///   normalises it), and `permissions` is always `Some` ([`v2_org_permissions`], with a non-string
///   `fea`, `o.per` or `o.fpm` counted as empty). v1 `org_*` claims are ignored.
pub(crate) fn org_claims(claims: &Map<String, Value>) -> OrgClaims {
    if !is_v2(claims.get("v")) {
        return OrgClaims {
            id: owned_str(claims, "org_id"),
            slug: owned_str(claims, "org_slug"),
            role: owned_str(claims, "org_role"),
            permissions: claims
                .get("org_permissions")
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
        };
    }
    let Some(org) = claims.get("o").and_then(Value::as_object) else {
        return OrgClaims::default();
    };
    OrgClaims {
        id: owned_str(org, "id"),
        slug: owned_str(org, "slg"),
        role: get_str(org, "rol")
            .filter(|role| !role.is_empty())
            .map(|role| format!("org:{role}")),
        permissions: Some(v2_org_permissions(
            get_str(claims, "fea").unwrap_or_default(),
            get_str(org, "per").unwrap_or_default(),
            get_str(org, "fpm").unwrap_or_default(),
        )),
    }
}

/// `claims.v === 2` in JavaScript: the number 2, integer or float.
fn is_v2(version: Option<&Value>) -> bool {
    version.and_then(Value::as_f64) == Some(2.0)
}

fn get_str<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn owned_str(map: &Map<String, Value>, key: &str) -> Option<String> {
    get_str(map, key).map(str::to_owned)
}

/// JavaScript `String.prototype.trim`: ECMAScript whitespace and line terminators. Unlike
/// [`str::trim`], it strips U+FEFF and keeps U+0085.
fn js_trim(s: &str) -> &str {
    s.trim_matches(|c: char| {
        matches!(
            c,
            '\u{9}'..='\u{D}'
                | ' '
                | '\u{A0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
        )
    })
}

/// The low `width` bits of a decimal mask, least-significant first, or `None` unless the mask
/// matches `^\d+$`.
///
/// Exact for any length: repeated halving of the decimal digits (string long division). It stops
/// after `width` bits, since bits beyond the permission list are dropped anyway.
fn mask_bits(mask: &str, width: usize) -> Option<Vec<bool>> {
    if mask.is_empty() || !mask.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits: Vec<u8> = mask.bytes().map(|b| b - b'0').collect();
    let mut start = 0;
    let mut bits = Vec::with_capacity(width);
    while bits.len() < width {
        while digits.get(start) == Some(&0) {
            start += 1;
        }
        let Some(rest) = digits.get_mut(start..).filter(|rest| !rest.is_empty()) else {
            // The quotient reached zero: every higher bit is 0.
            bits.resize(width, false);
            break;
        };
        let mut remainder = 0;
        for digit in rest.iter_mut() {
            let value = remainder * 10 + *digit;
            *digit = value / 2;
            remainder = value % 2;
        }
        bits.push(remainder == 1);
    }
    Some(bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test claims must be an object, got {other}"),
        }
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// `p0,p1,…,p{n-1}`
    fn numbered_per(n: usize) -> String {
        (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>().join(",")
    }

    /// Independent oracle: the mask modulo 2^128 by Horner's rule in wrapping `u128` arithmetic,
    /// which is exact for the low 128 bits whatever the length of the mask.
    fn low_128_bits(mask: &str) -> u128 {
        mask.bytes().fold(0u128, |acc, b| {
            acc.wrapping_mul(10).wrapping_add(u128::from(b - b'0'))
        })
    }

    fn expected_from_u128(feature: &str, value: u128, width: usize) -> Vec<String> {
        (0..width.min(128))
            .filter(|&j| value >> j & 1 == 1)
            .map(|j| format!("org:{feature}:p{j}"))
            .collect()
    }

    #[test]
    fn split_by_scope_table() {
        struct Case {
            claim: &'static str,
            org: &'static [&'static str],
            user: &'static [&'static str],
            malformed: bool,
        }
        let cases = [
            Case {
                claim: "",
                org: &[],
                user: &[],
                malformed: false,
            },
            Case {
                claim: "o:reservations,u:dashboard",
                org: &["reservations"],
                user: &["dashboard"],
                malformed: false,
            },
            Case {
                claim: "o:reservations,u:dashboard,ou:support-chat,uo:billing",
                org: &["reservations", "support-chat", "billing"],
                user: &["dashboard", "support-chat", "billing"],
                malformed: false,
            },
            // Trimmed elements; the value is everything after the first colon.
            Case {
                claim: " o:a , u:b:c ",
                org: &["a"],
                user: &["b:c"],
                malformed: false,
            },
            // JavaScript trim strips U+FEFF too.
            Case {
                claim: "\u{FEFF}o:a",
                org: &["a"],
                user: &[],
                malformed: false,
            },
            // Other scopes are ignored silently.
            Case {
                claim: "x:a,org:b,user:c,:d",
                org: &[],
                user: &[],
                malformed: false,
            },
            // Elements without a colon are skipped and flagged.
            Case {
                claim: "reservations,dashboard",
                org: &[],
                user: &[],
                malformed: true,
            },
            Case {
                claim: "o:a,reports,u:b",
                org: &["a"],
                user: &["b"],
                malformed: true,
            },
            Case {
                claim: "o:a,",
                org: &["a"],
                user: &[],
                malformed: true,
            },
            Case {
                claim: " ",
                org: &[],
                user: &[],
                malformed: true,
            },
            // An empty value is still a value.
            Case {
                claim: "o:",
                org: &[""],
                user: &[],
                malformed: false,
            },
        ];
        for case in cases {
            let got = split_by_scope(case.claim);
            let want = ScopedValues {
                org: case.org.to_vec(),
                user: case.user.to_vec(),
                malformed: case.malformed,
            };
            assert_eq!(got, want, "claim {:?}", case.claim);
        }
    }

    #[test]
    fn v2_permissions_table() {
        let per55 = numbered_per(55);
        let cases: Vec<(&str, &str, &str, &str, Vec<String>)> = vec![
            (
                "worked example of the v2 permission expansion",
                "o:reports,u:profile,ou:teams,o:billing",
                "read,manage,delete",
                "3,2,5",
                strings(&[
                    "org:reports:read",
                    "org:reports:manage",
                    "org:teams:manage",
                    "org:billing:read",
                    "org:billing:delete",
                ]),
            ),
            (
                "features without an fpm entry get nothing",
                "o:a,o:b,o:c",
                "read,write",
                "1",
                strings(&["org:a:read"]),
            ),
            (
                "bad first mask keeps alignment",
                "o:a,o:b",
                "read,write",
                "x,3",
                strings(&["org:b:read", "org:b:write"]),
            ),
            (
                "2^54+1 over 55 permissions",
                "o:f",
                &per55,
                "18014398509481985",
                strings(&["org:f:p0", "org:f:p54"]),
            ),
            (
                "extra high bits dropped",
                "o:a",
                "read,write",
                "7",
                strings(&["org:a:read", "org:a:write"]),
            ),
            ("high bits only", "o:a", "read,write", "4", vec![]),
            ("zero mask", "o:a", "read,write", "0", vec![]),
            (
                "leading zeros",
                "o:a",
                "read,write",
                "0002",
                strings(&["org:a:write"]),
            ),
            (
                "malformed masks fail closed, later features stay aligned",
                "o:a,o:b,o:c,o:d,o:e",
                "read,write",
                "1invalid,-1,1.5,,3",
                strings(&["org:e:read", "org:e:write"]),
            ),
            ("plus sign is not a digit", "o:a", "read", "+1", vec![]),
            (
                "non-ASCII digit is not a digit",
                "o:a",
                "read",
                "\u{0661}",
                vec![],
            ),
            (
                "trimmed per and fpm",
                "o:a",
                " read , write ",
                " 3 ",
                strings(&["org:a:read", "org:a:write"]),
            ),
            (
                "ou and uo count as org, u does not",
                "u:x,ou:a,uo:b",
                "read",
                "1,1,1",
                strings(&["org:a:read", "org:b:read"]),
            ),
            (
                "element without colon ignored",
                "reports,o:a",
                "read",
                "1",
                strings(&["org:a:read"]),
            ),
            ("empty per", "o:a", "", "1", vec![]),
            ("empty fpm", "o:a", "read", "", vec![]),
            ("empty fea", "", "read", "1", vec![]),
            (
                "more masks than features",
                "o:a",
                "read",
                "1,1,1",
                strings(&["org:a:read"]),
            ),
        ];
        for (name, fea, per, fpm, want) in cases {
            assert_eq!(v2_org_permissions(fea, per, fpm), want, "{name}");
        }
    }

    #[test]
    fn v2_masks_beyond_f64_are_exact() {
        let per128 = numbered_per(128);
        let masks = [
            // 40 digits: more than u128 holds.
            "1234567890123456789012345678901234567891",
            // 2^200 + 1 (bit 200 is beyond a 128-entry list).
            "1606938044258990275541962092341162602522202993782792835301377",
            // 2^53 + 1: the first integer an f64 cannot hold.
            "9007199254740993",
            // u128::MAX: all 128 bits set.
            "340282366920938463463374607431768211455",
            // 120 digits.
            "987654321098765432109876543210987654321098765432109876543210\
             123456789012345678901234567890123456789012345678901234567891",
        ];
        for mask in masks {
            let want = expected_from_u128("f", low_128_bits(mask), 128);
            assert_eq!(v2_org_permissions("o:f", &per128, mask), want, "mask {mask}");
        }
        // The 40-digit mask really has 40 digits, and a bit above 128 is kept when `per` is long.
        assert_eq!(masks[0].len(), 40);
        let per201 = numbered_per(201);
        assert_eq!(
            v2_org_permissions("o:f", &per201, masks[1]),
            strings(&["org:f:p0", "org:f:p200"])
        );
    }

    #[test]
    fn v2_masks_match_u128_for_many_values() {
        // A small LCG gives reproducible values across the whole u128 range.
        let per = numbered_per(128);
        let mut x: u128 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..200 {
            x = x
                .wrapping_mul(0x5851_F42D_4C95_7F2D_1405_7B7E_F767_814F)
                .wrapping_add(1_442_695_040_888_963_407);
            let want = expected_from_u128("f", x, 128);
            assert_eq!(v2_org_permissions("o:f", &per, &x.to_string()), want, "value {x}");
            // A narrower permission list keeps only the low bits.
            let want_low = expected_from_u128("f", x, 7);
            assert_eq!(
                v2_org_permissions("o:f", &numbered_per(7), &x.to_string()),
                want_low
            );
        }
    }

    #[test]
    fn org_claims_table() {
        let worked = json!({
            "v": 2,
            "fea": "o:reports,u:profile,ou:teams,o:billing",
            "o": {
                "id": "org_1", "slg": "acme", "rol": "admin",
                "per": "read,manage,delete", "fpm": "3,2,5",
            },
        });
        let worked_want = OrgClaims {
            id: Some("org_1".to_owned()),
            slug: Some("acme".to_owned()),
            role: Some("org:admin".to_owned()),
            permissions: Some(strings(&[
                "org:reports:read",
                "org:reports:manage",
                "org:teams:manage",
                "org:billing:read",
                "org:billing:delete",
            ])),
        };
        let v1_want = OrgClaims {
            id: Some("org_v1".to_owned()),
            slug: Some("v1-slug".to_owned()),
            role: Some("admin".to_owned()),
            permissions: Some(strings(&["org:a:read"])),
        };
        let v1_fields = json!({
            "org_id": "org_v1", "org_slug": "v1-slug", "org_role": "admin",
            "org_permissions": ["org:a:read", 7, null],
        });
        let with_v = |v: Value| {
            let mut map = claims(v1_fields.clone());
            map.insert("v".to_owned(), v);
            map
        };
        let v2_empty_perms = OrgClaims {
            permissions: Some(vec![]),
            ..OrgClaims::default()
        };

        let cases: Vec<(&str, Map<String, Value>, OrgClaims)> = vec![
            ("worked example", claims(worked.clone()), worked_want.clone()),
            (
                "v1 without v, non-string permissions dropped",
                claims(v1_fields.clone()),
                v1_want.clone(),
            ),
            ("v as string \"2\" takes v1", with_v(json!("2")), v1_want.clone()),
            ("v 3 takes v1", with_v(json!(3)), v1_want.clone()),
            ("v 2.5 takes v1", with_v(json!(2.5)), v1_want.clone()),
            ("v null takes v1", with_v(Value::Null), v1_want.clone()),
            (
                "v 2 without o ignores org_*",
                with_v(json!(2)),
                OrgClaims::default(),
            ),
            (
                "v 2.0 counts as 2",
                {
                    let mut map = claims(worked.clone());
                    map.insert("v".to_owned(), json!(2.0));
                    map
                },
                worked_want,
            ),
            (
                "v1 non-string fields are None, non-array permissions None",
                claims(json!({ "org_id": 5, "org_role": ["admin"], "org_permissions": "org:a:read" })),
                OrgClaims::default(),
            ),
            ("v1 empty", claims(json!({})), OrgClaims::default()),
            (
                "v2 o with no per/fpm gives []",
                claims(json!({ "v": 2, "fea": "o:a", "o": { "id": "org_1" } })),
                OrgClaims {
                    id: Some("org_1".to_owned()),
                    ..v2_empty_perms.clone()
                },
            ),
            (
                "v2 empty o object is present",
                claims(json!({ "v": 2, "o": {} })),
                v2_empty_perms.clone(),
            ),
            (
                "v2 o not an object is absent",
                claims(json!({ "v": 2, "o": "org_1" })),
                OrgClaims::default(),
            ),
            (
                "v2 o null is absent",
                claims(json!({ "v": 2, "o": null })),
                OrgClaims::default(),
            ),
            (
                "v2 role prefix is unconditional",
                claims(json!({ "v": 2, "o": { "rol": "org:admin" } })),
                OrgClaims {
                    role: Some("org:org:admin".to_owned()),
                    ..v2_empty_perms.clone()
                },
            ),
            (
                "v2 empty or non-string role is None",
                claims(json!({ "v": 2, "o": { "rol": "", "slg": 3 } })),
                v2_empty_perms.clone(),
            ),
            (
                "v2 non-string fea/per/fpm count as empty",
                claims(json!({ "v": 2, "fea": ["o:a"], "o": { "per": "read", "fpm": 1 } })),
                v2_empty_perms.clone(),
            ),
            (
                "v2 fea element without colon is ignored",
                claims(json!({ "v": 2, "fea": "reports,o:a", "o": { "per": "read", "fpm": "1" } })),
                OrgClaims {
                    permissions: Some(strings(&["org:a:read"])),
                    ..OrgClaims::default()
                },
            ),
            (
                "v1 ignores fea and o",
                claims(json!({ "fea": "o:a", "o": { "id": "org_1", "per": "read", "fpm": "1" } })),
                OrgClaims::default(),
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(org_claims(&input), want, "{name}");
        }
    }

    #[test]
    fn js_trim_matches_javascript() {
        assert_eq!(
            js_trim("\t\n\u{B}\u{C}\r \u{A0}\u{3000}\u{FEFF}a b\u{2028}"),
            "a b"
        );
        // U+0085 (NEL) is whitespace to Rust but not to JavaScript.
        assert_eq!(js_trim("\u{85}a\u{85}"), "\u{85}a\u{85}");
    }
}
