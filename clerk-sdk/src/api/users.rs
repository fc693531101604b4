//! [`Users`]: the `/users` operations, and [`Users::list_all`], which walks every page.

use std::collections::VecDeque;

use futures_util::stream::{self, Stream};
use http::StatusCode;
use serde::Deserialize;

use super::client::BackendApi;
use super::encode::Param;
use super::error::ApiError;
use super::model::{DeletedObject, OrganizationMembership, Page, User};
use super::operation as op;
use super::params::{CreateUserParams, MetadataParams, PageParams, UpdateUserParams, UserListParams};

/// Page size of [`Users::list_all`] when the params set no `limit`.
const LIST_ALL_PAGE: u32 = 100;

/// The users of the instance, from [`BackendApi::users`].
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    api: &'a BackendApi,
}

#[derive(Deserialize)]
struct TotalCount {
    total_count: u64,
}

#[derive(Deserialize)]
struct Verified {
    #[serde(default)]
    verified: bool,
}

impl BackendApi {
    /// The `/users` operations.
    pub fn users(&self) -> Users<'_> {
        Users { api: self }
    }
}

impl Users<'_> {
    /// One user: `GET /users/{user_id}`.
    ///
    /// # Errors
    /// [`ApiError`]; [`ApiError::is_not_found`] when there is no such user.
    pub async fn get(&self, user_id: &str) -> Result<User, ApiError> {
        self.api.send(op::USERS_GET.call(&[user_id])?).await
    }

    /// One page of users: `GET /users` (one request; Clerk answers a bare array, so there is
    /// no total: see [`Users::count`]).
    ///
    /// # Errors
    /// [`ApiError`]; a `limit` outside 1..=500 is refused before sending.
    pub async fn list(&self, params: &UserListParams) -> Result<Vec<User>, ApiError> {
        let call = op::USERS_LIST.call_with(&[], Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// How many users match the filters: `GET /users/count`. Paging parameters in `params`
    /// (`limit`, `offset`, `starting_after`, `order_by`) are left out, as `@clerk/backend`
    /// does.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn count(&self, params: &UserListParams) -> Result<u64, ApiError> {
        let mut filters = params.fields.clone();
        filters.retain(|name| UserListParams::FILTERS.contains(&name));
        let call = op::USERS_COUNT.call_with(&[], Some(&filters), None)?;
        Ok(self.api.send::<TotalCount>(call).await?.total_count)
    }

    /// Every user matching `params`, page after page (`GET /users`), holding one page in
    /// memory at a time.
    ///
    /// With Clerk's `created_at` ordering (no `order_by`, or `created_at` with any sign) and
    /// no `offset`, pages follow the `starting_after` cursor, which costs the same at any
    /// depth and neither skips nor repeats a user when users are created meanwhile; with any
    /// other order it pages by `offset`. The page size is `params`' `limit`, else 100. The
    /// stream ends after the first page shorter than the page size, or with the first error.
    pub fn list_all(
        &self,
        params: UserListParams,
    ) -> impl Stream<Item = Result<User, ApiError>> + Send + 'static {
        let page_size = params
            .fields
            .int("limit")
            .and_then(|l| u32::try_from(l).ok())
            .unwrap_or(LIST_ALL_PAGE);
        let cursor = params.fields.int("offset").unwrap_or(0) == 0
            && params
                .fields
                .str("order_by")
                .is_none_or(|o| o.trim_start_matches(['+', '-']) == "created_at");
        let walk = Walk {
            api: self.api.clone(),
            params: params.limit(page_size),
            page_size,
            cursor,
            offset: 0,
            last_id: None,
            buffer: VecDeque::new(),
            done: false,
        };
        stream::unfold(walk, |mut walk| async move {
            let item = walk.next().await?;
            Some((item, walk))
        })
    }

    /// Creates a user: `POST /users`.
    ///
    /// # Errors
    /// [`ApiError`]; Clerk answers 422 for a missing identifier or a weak password.
    pub async fn create(&self, params: &CreateUserParams) -> Result<User, ApiError> {
        let call = op::USERS_CREATE.call_with(&[], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Updates a user's attributes: `PATCH /users/{user_id}` (metadata has its own calls).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn update(&self, user_id: &str, params: &UpdateUserParams) -> Result<User, ApiError> {
        let call = op::USERS_UPDATE.call_with(&[user_id], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Merges metadata into a user's: `PATCH /users/{user_id}/metadata` (deep merge; a `null`
    /// value deletes that key).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn update_metadata(&self, user_id: &str, params: &MetadataParams) -> Result<User, ApiError> {
        let call = op::USERS_UPDATE_METADATA.call_with(&[user_id], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Replaces a user's metadata: `PUT /users/{user_id}/metadata` (each field given is
    /// replaced whole; fields not given are left alone).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn replace_metadata(&self, user_id: &str, params: &MetadataParams) -> Result<User, ApiError> {
        let call = op::USERS_REPLACE_METADATA.call_with(&[user_id], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Deletes a user: `DELETE /users/{user_id}`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn delete(&self, user_id: &str) -> Result<DeletedObject, ApiError> {
        self.api.send(op::USERS_DELETE.call(&[user_id])?).await
    }

    /// Bans a user (signs them out, blocks sign-in): `POST /users/{user_id}/ban`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn ban(&self, user_id: &str) -> Result<User, ApiError> {
        self.api.send(op::USERS_BAN.call(&[user_id])?).await
    }

    /// Lifts a ban: `POST /users/{user_id}/unban`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn unban(&self, user_id: &str) -> Result<User, ApiError> {
        self.api.send(op::USERS_UNBAN.call(&[user_id])?).await
    }

    /// Locks a user out of sign-in: `POST /users/{user_id}/lock`.
    ///
    /// # Errors
    /// [`ApiError`]; 403 when lockout is not enabled for the instance.
    pub async fn lock(&self, user_id: &str) -> Result<User, ApiError> {
        self.api.send(op::USERS_LOCK.call(&[user_id])?).await
    }

    /// Lifts a lock: `POST /users/{user_id}/unlock`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn unlock(&self, user_id: &str) -> Result<User, ApiError> {
        self.api.send(op::USERS_UNLOCK.call(&[user_id])?).await
    }

    /// A user's organization memberships, each with its organization:
    /// `GET /users/{user_id}/organization_memberships`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn organization_memberships(
        &self,
        user_id: &str,
        params: &PageParams,
    ) -> Result<Page<OrganizationMembership>, ApiError> {
        let call = op::USERS_ORGANIZATION_MEMBERSHIPS.call_with(&[user_id], Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// Whether `password` is the user's: `POST /users/{user_id}/verify_password`. A wrong
    /// password is `Ok(false)` (Clerk answers it with a 422).
    ///
    /// # Errors
    /// [`ApiError`] for anything but a wrong password (no such user, no password set, …).
    pub async fn verify_password(&self, user_id: &str, password: &str) -> Result<bool, ApiError> {
        let mut body = super::encode::Fields::default();
        body.set("password", Param::Str(password.to_owned()));
        let call = op::USERS_VERIFY_PASSWORD.call_with(&[user_id], None, Some(&body))?;
        match self.api.send::<Verified>(call).await {
            Ok(v) => Ok(v.verified),
            Err(e)
                if e.status() == Some(StatusCode::UNPROCESSABLE_ENTITY)
                    && e.code().is_some_and(|c| c.contains("password")) =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }
}

/// The state of one [`Users::list_all`] walk.
struct Walk {
    api: BackendApi,
    params: UserListParams,
    page_size: u32,
    cursor: bool,
    offset: u64,
    last_id: Option<String>,
    buffer: VecDeque<User>,
    done: bool,
}

impl Walk {
    async fn next(&mut self) -> Option<Result<User, ApiError>> {
        if self.buffer.is_empty()
            && !self.done
            && let Err(e) = self.fetch().await
        {
            self.done = true;
            return Some(Err(e));
        }
        self.buffer.pop_front().map(Ok)
    }

    async fn fetch(&mut self) -> Result<(), ApiError> {
        let mut params = self.params.clone();
        if self.cursor {
            if let Some(last) = &self.last_id {
                params = params.starting_after(last.clone());
            }
        } else if self.offset > 0 {
            params = params.offset(u32::try_from(self.offset).unwrap_or(u32::MAX));
        }
        let page = self.api.users().list(&params).await?;
        self.done = page.len() < self.page_size as usize;
        self.offset += page.len() as u64;
        if let Some(last) = page.last() {
            self.last_id = Some(last.id.clone());
        }
        self.buffer.extend(page);
        Ok(())
    }
}
