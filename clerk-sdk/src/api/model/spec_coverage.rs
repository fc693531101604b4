//! Compares the models with the schemas of Clerk's published OpenAPI document (the version
//! the SDK pins): every schema field is either modelled or listed in [`NOT_MODELLED`] with
//! the reason, and every modelled field is in the schema (or listed in [`NOT_IN_SCHEMA`]).
//!
//! The document is not part of this repository. The test reads the file named by
//! `CLERK_OPENAPI_SPEC`, else `../shared/clerk-openapi/bapi-2026-05-12.yml` beside the
//! workspace; without it, it prints that it skipped (and fails when `CI=true`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::api::{
    DeletedObject, EmailAddress, EnterpriseAccount, EnterpriseConnection, ExternalAccount,
    IdentificationLink, Invitation, Organization, OrganizationInvitation, OrganizationMembership, Passkey,
    PhoneNumber, PublicOrganizationData, PublicUserData, Session, SessionActivity, SessionTask, User,
    Verification, Web3Wallet,
};

/// Schema fields deliberately left to the models' `extra` maps: (model, field, why).
const NOT_MODELLED: &[(&str, &str, &str)] = &[
    ("User", "profile_image_url", "deprecated: image_url replaces it"),
    (
        "User",
        "saml_accounts",
        "deprecated: enterprise_accounts replaces it",
    ),
    (
        "User",
        "scim",
        "sent only in user.created/user.updated webhooks, not by the Backend API",
    ),
    (
        "ExternalAccount",
        "avatar_url",
        "deprecated: image_url replaces it",
    ),
    (
        "EnterpriseConnection",
        "domain",
        "deprecated: domains replaces it",
    ),
    (
        "PublicUserData",
        "profile_image_url",
        "deprecated: image_url replaces it",
    ),
];

/// Modelled fields the compared schema does not list: (model, field, why).
const NOT_IN_SCHEMA: &[(&str, &str, &str)] = &[(
    "OrganizationInvitation",
    "public_organization_data",
    "added by the variant a user's invitation list returns (one model serves both)",
)];

/// Each model, the schemas it reads (Verification merges every verification shape), and the
/// wire names it declares.
fn models() -> Vec<(&'static str, Vec<&'static str>, &'static [&'static str])> {
    vec![
        ("User", vec!["User"], User::declared_fields()),
        (
            "EmailAddress",
            vec!["EmailAddress"],
            EmailAddress::declared_fields(),
        ),
        ("PhoneNumber", vec!["PhoneNumber"], PhoneNumber::declared_fields()),
        ("Web3Wallet", vec!["Web3Wallet"], Web3Wallet::declared_fields()),
        ("Passkey", vec!["Passkey"], Passkey::declared_fields()),
        (
            "IdentificationLink",
            vec!["IdentificationLink"],
            IdentificationLink::declared_fields(),
        ),
        (
            "ExternalAccount",
            vec!["ExternalAccountWithVerification"],
            ExternalAccount::declared_fields(),
        ),
        (
            "EnterpriseAccount",
            vec!["EnterpriseAccount"],
            EnterpriseAccount::declared_fields(),
        ),
        (
            "EnterpriseConnection",
            vec!["EnterpriseAccountConnection"],
            EnterpriseConnection::declared_fields(),
        ),
        (
            "Verification",
            vec![
                "verification_otp",
                "verification_admin",
                "verification_from_oauth",
                "verification_ticket",
                "verification_saml",
                "verification_email_link",
                "verification_scim",
                "verification_web3",
                "verification_passkey",
                "verification_oauth",
                "verification_google_one_tap",
            ],
            Verification::declared_fields(),
        ),
        (
            "Organization",
            vec!["Organization"],
            Organization::declared_fields(),
        ),
        (
            "OrganizationMembership",
            vec!["OrganizationMembership"],
            OrganizationMembership::declared_fields(),
        ),
        (
            "PublicUserData",
            vec!["OrganizationMembershipPublicUserData"],
            PublicUserData::declared_fields(),
        ),
        ("Invitation", vec!["Invitation"], Invitation::declared_fields()),
        (
            "OrganizationInvitation",
            vec!["OrganizationInvitation"],
            OrganizationInvitation::declared_fields(),
        ),
        (
            "PublicOrganizationData",
            vec!["OrganizationInvitationPublicOrganizationData"],
            PublicOrganizationData::declared_fields(),
        ),
        ("Session", vec!["Session"], Session::declared_fields()),
        (
            "SessionActivity",
            vec!["SessionActivityResponse"],
            SessionActivity::declared_fields(),
        ),
        ("SessionTask", vec!["SessionTask"], SessionTask::declared_fields()),
        (
            "DeletedObject",
            vec!["DeletedObject"],
            DeletedObject::declared_fields(),
        ),
    ]
}

fn spec_path() -> PathBuf {
    std::env::var_os("CLERK_OPENAPI_SPEC").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/clerk-openapi/bapi-2026-05-12.yml"),
        PathBuf::from,
    )
}

/// The direct `properties` of every schema under `components/schemas`, read from the
/// document's block layout (two spaces per level) without a YAML parser.
fn schema_properties(document: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut schemas = BTreeMap::new();
    let mut in_schemas = false;
    let mut current: Option<String> = None;
    let mut in_properties = false;
    for line in document.lines() {
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        if indent <= 2 {
            in_schemas = line == "  schemas:";
            current = None;
            continue;
        }
        if !in_schemas {
            continue;
        }
        match indent {
            4 => {
                current = text.strip_suffix(':').map(str::to_owned);
                in_properties = false;
            }
            6 => in_properties = text == "properties:",
            8 if in_properties => {
                if let (Some(schema), Some(field)) = (&current, text.strip_suffix(':')) {
                    schemas
                        .entry(schema.clone())
                        .or_insert_with(BTreeSet::new)
                        .insert(field.to_owned());
                }
            }
            _ => {}
        }
    }
    schemas
}

#[test]
fn models_cover_the_published_schemas() {
    let path = spec_path();
    let Ok(document) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "Clerk's OpenAPI document is missing at {} (set CLERK_OPENAPI_SPEC)",
            path.display()
        );
        eprintln!(
            "SKIPPED models_cover_the_published_schemas: no OpenAPI document at {} \
             (set CLERK_OPENAPI_SPEC)",
            path.display()
        );
        return;
    };
    let schemas = schema_properties(&document);

    let mut not_modelled = Vec::new();
    let mut not_in_schema = Vec::new();
    for (model, schema_names, declared) in models() {
        let mut spec_fields = BTreeSet::new();
        for name in &schema_names {
            let fields = schemas
                .get(*name)
                .unwrap_or_else(|| panic!("schema {name} is not in {}", path.display()));
            spec_fields.extend(fields.iter().cloned());
        }
        let declared: BTreeSet<String> = declared.iter().map(|&field| field.to_owned()).collect();
        not_modelled.extend(
            spec_fields
                .difference(&declared)
                .map(|field| (model, field.clone())),
        );
        not_in_schema.extend(
            declared
                .difference(&spec_fields)
                .map(|field| (model, field.clone())),
        );
    }

    println!("Spec fields of the core models that are not modelled (kept in `extra`):");
    for (model, field) in &not_modelled {
        let reason = NOT_MODELLED
            .iter()
            .find(|(m, f, _)| m == model && f == field)
            .map_or("NOT LISTED", |(_, _, reason)| reason);
        println!("  {model}.{field}: {reason}");
    }
    fn listed(list: &[(&'static str, &str, &str)]) -> Vec<(&'static str, String)> {
        list.iter()
            .map(|&(model, field, _)| (model, field.to_owned()))
            .collect()
    }
    assert_eq!(not_modelled, listed(NOT_MODELLED), "schema fields not modelled");
    assert_eq!(
        not_in_schema,
        listed(NOT_IN_SCHEMA),
        "modelled fields not in the schema"
    );
}

#[test]
fn the_schema_reader_finds_direct_properties_only() {
    let document = "\
paths:
  /users:
    get:
      properties:
        not_a_schema: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        id:
          type: string
        nested:
          type: object
          properties:
            inner:
              type: string
      required:
        - id
    Other:
      properties:
        name:
          type: string
  responses:
    Thing:
      properties:
        ignored: {}
";
    let schemas = schema_properties(document);
    assert_eq!(schemas.len(), 2);
    assert_eq!(schemas["Thing"].iter().collect::<Vec<_>>(), ["id", "nested"]);
    assert_eq!(schemas["Other"].iter().collect::<Vec<_>>(), ["name"]);
}
