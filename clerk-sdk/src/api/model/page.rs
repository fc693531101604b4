//! One page of a list answer.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::de::WireStr;

/// One page of a list: the items, and how many match the query in total (on every page).
///
/// Reads Clerk's `{"data": [...], "total_count": N}`, and also a bare JSON array (what some
/// list endpoints answer unless asked for `paginated=true`), whose total is then its length.
/// Serializes as `{"data": [...], "total_count": N}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub data: Vec<T>,
    /// How many items match the query, across all pages.
    pub total_count: u64,
}

impl<T> Page<T> {
    /// A page of `data` out of `total_count` matches.
    pub fn new(data: Vec<T>, total_count: u64) -> Self {
        Page { data, total_count }
    }

    /// The number of items on this page.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether this page has no items.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The items on this page.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.data.iter()
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page::new(Vec::new(), 0)
    }
}

/// A page holding every item of a list: the total is its length.
impl<T> From<Vec<T>> for Page<T> {
    fn from(data: Vec<T>) -> Self {
        let total_count = u64::try_from(data.len()).unwrap_or(u64::MAX);
        Page::new(data, total_count)
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list page ({\"data\": [...], \"total_count\": N}) or a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Page<T>, A::Error> {
        let mut data = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(500));
        while let Some(item) = seq.next_element()? {
            data.push(item);
        }
        Ok(Page::from(data))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut data: Option<Vec<T>> = None;
        let mut total_count: Option<u64> = None;
        while let Some(key) = map.next_key::<WireStr<'de>>()? {
            match key.as_str() {
                "data" if data.is_some() => return Err(de::Error::duplicate_field("data")),
                "data" => data = Some(map.next_value()?),
                "total_count" => total_count = map.next_value::<Option<u64>>()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let data = data.ok_or_else(|| de::Error::missing_field("data"))?;
        Ok(match total_count {
            Some(total_count) => Page::new(data, total_count),
            None => Page::from(data),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Page;
    use crate::api::model::test_support::{parse, parse_error};
    use crate::api::{Invitation, OrganizationMembership};

    const MEMBERSHIP: &str = include_str!("fixtures/organization_membership.json");
    const INVITATION: &str = include_str!("fixtures/invitation.json");

    #[test]
    fn reads_clerks_list_wrapper() {
        let body = format!(r#"{{"data":[{MEMBERSHIP},{MEMBERSHIP}],"total_count":57,"next":"x"}}"#);
        let page: Page<OrganizationMembership> = parse(&body);
        assert_eq!((page.len(), page.total_count), (2, 57));
        assert_eq!(page.iter().next().unwrap().role, "org:admin");
        assert_eq!(page.into_iter().count(), 2);
    }

    #[test]
    fn reads_a_bare_array_as_a_complete_page() {
        let page: Page<Invitation> = parse(&format!("[{INVITATION},{INVITATION},{INVITATION}]"));
        assert_eq!((page.len(), page.total_count), (3, 3));
        let empty: Page<Invitation> = parse("[]");
        assert!(empty.is_empty() && empty.total_count == 0);
    }

    #[test]
    fn a_missing_or_null_total_is_the_page_length() {
        let page: Page<Invitation> = parse(&format!(r#"{{"data":[{INVITATION}]}}"#));
        assert_eq!(page.total_count, 1);
        let page: Page<Invitation> = parse(r#"{"data":[],"total_count":null}"#);
        assert_eq!(page.total_count, 0);
    }

    #[test]
    fn a_bad_item_names_its_index_and_field() {
        let (path, _) =
            parse_error::<Page<Invitation>>(r#"{"total_count":2,"data":[{"id":"inv_1"},{"id":2}]}"#);
        assert_eq!(path, "data[1].id");
        let (path, _) =
            parse_error::<Page<Invitation>>(r#"[{"id":"inv_1"},{"id":"inv_2","created_at":"x"}]"#);
        assert_eq!(path, "[1].created_at");
        let (_, message) = parse_error::<Page<Invitation>>(r#"{"total_count":2}"#);
        assert!(message.starts_with("missing field `data`"), "{message}");
        let (_, message) = parse_error::<Page<Invitation>>(r#""nope""#);
        assert!(message.contains("a list page"), "{message}");
    }

    #[test]
    fn writes_clerks_list_wrapper() {
        let invitation = Invitation {
            id: "inv_1".to_owned(),
            ..Invitation::default()
        };
        let page = Page::new(vec![invitation], 10);
        let written = serde_json::to_value(&page).unwrap();
        assert_eq!(written["total_count"], 10);
        assert_eq!(written["data"][0]["id"], "inv_1");
        let reread: Page<Invitation> = serde_json::from_value(written).unwrap();
        assert_eq!(reread, page);
        assert_eq!(Page::from(vec![1, 2]), Page::new(vec![1, 2], 2));
        assert_eq!(Page::<u8>::default(), Page::new(vec![], 0));
        assert_eq!(
            serde_json::to_value(Page::<u8>::default()).unwrap(),
            json!({"data":[],"total_count":0})
        );
    }
}
