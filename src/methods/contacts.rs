//! Contacts: the account's address book.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::users::resolve_user;
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::{Client, Error, User};

/// Saves a user as a contact under a name of this account's choosing:
/// [`Client::add_contact`]. Returns the user as now seen, under that name.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct AddContact {
    client: Client,
    user: PeerRef,
    first_name: String,
    last_name: String,
    phone: String,
    share_phone: bool,
}

impl AddContact {
    /// Saves a last name too.
    pub fn last_name(mut self, name: impl Into<String>) -> Self {
        self.last_name = name.into();
        self
    }

    /// Saves the phone number known for them.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = phone.into();
        self
    }

    /// Lets them see this account's phone number.
    pub fn share_phone(mut self) -> Self {
        self.share_phone = true;
        self
    }

    async fn send(self) -> crate::Result<User> {
        let id = resolve_user(&self.client, self.user.clone()).await?;
        let user_id = user_id_of(&id);
        let updates = self
            .client
            .invoke(functions::contacts::AddContact {
                add_phone_privacy_exception: self.share_phone,
                id,
                first_name: self.first_name,
                last_name: self.last_name,
                phone: self.phone,
                note: None,
            })
            .await?;
        let self_id = self.client.user_id();
        users_of(&updates)
            .iter()
            .map(|u| User::from_raw(u, self_id))
            .find(|u| user_id.is_none_or(|id| u.id() == id))
            .ok_or_else(|| Error::Unexpected("contacts.addContact: the user is missing".into()))
    }
}

awaitable!(AddContact => User);

/// A contact to import by phone number: [`Client::import_contacts`].
///
/// ```
/// let ada = oxigram::methods::contacts::PhoneContact::new("+44 20 7946 0958", "Ada")
///     .last_name("Lovelace");
/// assert_eq!(ada.phone(), "+44 20 7946 0958");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneContact {
    phone: String,
    first_name: String,
    last_name: String,
}

impl PhoneContact {
    /// The person with this phone number, to be saved as `first_name`.
    pub fn new(phone: impl Into<String>, first_name: impl Into<String>) -> Self {
        PhoneContact {
            phone: phone.into(),
            first_name: first_name.into(),
            last_name: String::new(),
        }
    }

    /// Saves a last name too.
    pub fn last_name(mut self, name: impl Into<String>) -> Self {
        self.last_name = name.into();
        self
    }

    /// The phone number as given.
    pub fn phone(&self) -> &str {
        &self.phone
    }
}

fn user_id_of(user: &enums::InputUser) -> Option<i64> {
    match user {
        enums::InputUser::InputUser(u) => Some(u.user_id),
        enums::InputUser::FromMessage(u) => Some(u.user_id),
        _ => None,
    }
}

fn users_of(updates: &enums::Updates) -> &[enums::User] {
    match updates {
        enums::Updates::Updates(u) => &u.users,
        enums::Updates::Combined(u) => &u.users,
        _ => &[],
    }
}

impl Client {
    /// This account's contacts, under the names it saved them with.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// for contact in client.get_contacts().await? {
    ///     println!("{} ({:?})", contact.full_name(), contact.phone());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_contacts(&self) -> crate::Result<Vec<User>> {
        let answer = self
            .invoke(functions::contacts::GetContacts { hash: 0 })
            .await?;
        let enums::contacts::Contacts::Contacts(contacts) = answer else {
            return Err(Error::Unexpected(
                "contacts.getContacts: not modified, though no hash was given".into(),
            ));
        };
        let self_id = self.user_id();
        Ok(contacts
            .users
            .iter()
            .map(|u| User::from_raw(u, self_id))
            .collect())
    }

    /// Saves `user` as a contact named `first_name` (or renames a saved one).
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// let friend = client.add_contact("@ada", "Ada").last_name("L.").share_phone().await?;
    /// assert!(friend.is_contact());
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_contact(
        &self,
        user: impl Into<PeerRef>,
        first_name: impl Into<String>,
    ) -> AddContact {
        AddContact {
            client: self.clone(),
            user: user.into(),
            first_name: first_name.into(),
            last_name: String::new(),
            phone: String::new(),
            share_phone: false,
        }
    }

    /// Saves people as contacts by their phone numbers; returns the accounts found
    /// (numbers no one uses are left out), under the names given.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::methods::contacts::PhoneContact;
    ///
    /// let found = client
    ///     .import_contacts([PhoneContact::new("+44 20 7946 0958", "Ada")])
    ///     .await?;
    /// # let _ = found;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn import_contacts(
        &self,
        contacts: impl IntoIterator<Item = PhoneContact>,
    ) -> crate::Result<Vec<User>> {
        let contacts: Vec<enums::InputContact> = contacts
            .into_iter()
            .zip(0..)
            .map(|(c, client_id)| {
                enums::InputContact::InputPhoneContact(Box::new(types::InputPhoneContact {
                    client_id,
                    phone: c.phone,
                    first_name: c.first_name,
                    last_name: c.last_name,
                    note: None,
                }))
            })
            .collect();
        let answer = self
            .invoke(functions::contacts::ImportContacts { contacts })
            .await?;
        let enums::contacts::ImportedContacts::ImportedContacts(imported) = answer;
        let self_id = self.user_id();
        Ok(imported
            .users
            .iter()
            .map(|u| User::from_raw(u, self_id))
            .collect())
    }

    /// Removes users from this account's contacts; returns those removed, as now seen.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let removed = app.delete_contacts(["@old_friend", "+15551234567"]).await?;
    /// for user in &removed {
    ///     println!("removed {} (contact now: {})", user.full_name(), user.is_contact());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete_contacts<P: Into<PeerRef>>(
        &self,
        users: impl IntoIterator<Item = P>,
    ) -> crate::Result<Vec<User>> {
        let mut id = Vec::new();
        for user in users {
            id.push(resolve_user(self, user).await?);
        }
        let updates = self
            .invoke(functions::contacts::DeleteContacts { id })
            .await?;
        let self_id = self.user_id();
        Ok(users_of(&updates)
            .iter()
            .map(|u| User::from_raw(u, self_id))
            .collect())
    }
}
