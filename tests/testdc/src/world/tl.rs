//! The TL objects of what the world stores: users, chats, media and messages as a viewer sees them.

use oxigram_tl::{enums, types};

use super::{Account, Group, PeerRef, StoredDocument, StoredMessage};

/// The TL `user` of an account.
pub fn user(a: &Account, is_self: bool) -> enums::User {
    enums::User::User(Box::new(types::User {
        is_self,
        contact: false,
        mutual_contact: false,
        deleted: false,
        bot_chat_history: false,
        bot_nochats: false,
        verified: false,
        min: false,
        bot_inline_geo: false,
        support: false,
        scam: false,
        apply_min_photo: false,
        fake: false,
        bot_attach_menu: false,
        premium: false,
        attach_menu_enabled: false,
        bot_can_edit: false,
        close_friend: false,
        stories_hidden: false,
        stories_unavailable: false,
        contact_require_premium: false,
        bot_business: false,
        bot_has_main_app: false,
        bot_forum_view: false,
        bot_forum_can_manage_topics: false,
        bot_can_manage_bots: false,
        bot_guestchat: false,
        bot_guard: false,
        id: a.id,
        access_hash: Some(a.access_hash),
        first_name: Some(a.first_name.clone()),
        last_name: a.last_name.clone(),
        username: a.username.clone(),
        phone: if is_self { a.phone.clone() } else { None },
        photo: None,
        status: status(a),
        bot_info_version: a.is_bot().then_some(1),
        restriction_reason: None,
        bot_inline_placeholder: a.inline_placeholder.clone(),
        lang_code: None,
        emoji_status: None,
        usernames: None,
        stories_max_id: None,
        color: None,
        profile_color: None,
        bot_active_users: None,
        bot_verification_icon: None,
        send_paid_messages_stars: None,
        linked_community_id: None,
    }))
}

/// The TL chat of a group as `viewer` sees it.
pub fn chat(g: &Group, viewer: i64) -> enums::Chat {
    match g.channel {
        None => enums::Chat::Chat(Box::new(types::Chat {
            creator: g.creator == viewer,
            left: false,
            deactivated: false,
            call_active: false,
            call_not_empty: false,
            noforwards: false,
            id: g.id,
            title: g.title.clone(),
            photo: g.photo.map_or(enums::ChatPhoto::Empty, chat_photo),
            participants_count: g.members.len() as i32,
            date: g.date,
            version: 1,
            migrated_to: None,
            admin_rights: super::moderation::admin_rights_of(g, viewer),
            default_banned_rights: super::moderation::default_banned(g),
        })),
        Some((access_hash, broadcast)) => enums::Chat::Channel(Box::new(types::Channel {
            creator: g.creator == viewer,
            left: !g.members.contains(&viewer),
            broadcast,
            verified: false,
            megagroup: !broadcast,
            signatures: false,
            min: false,
            scam: false,
            has_link: false,
            has_geo: false,
            slowmode_enabled: false,
            call_active: false,
            call_not_empty: false,
            fake: false,
            gigagroup: false,
            noforwards: false,
            join_to_send: false,
            join_request: false,
            forum: false,
            stories_hidden: false,
            stories_hidden_min: false,
            stories_unavailable: false,
            signature_profiles: false,
            autotranslation: false,
            broadcast_messages_allowed: false,
            monoforum: false,
            forum_tabs: false,
            id: g.id,
            access_hash: Some(access_hash),
            title: g.title.clone(),
            username: g.username.clone(),
            photo: g.photo.map_or(enums::ChatPhoto::Empty, chat_photo),
            date: g.date,
            restriction_reason: None,
            admin_rights: super::moderation::admin_rights_of(g, viewer),
            banned_rights: super::moderation::banned_of(g, viewer),
            default_banned_rights: super::moderation::default_banned(g),
            participants_count: Some(g.members.len() as i32),
            usernames: None,
            stories_max_id: None,
            color: None,
            profile_color: None,
            emoji_status: None,
            level: None,
            subscription_until_date: None,
            bot_verification_icon: None,
            send_paid_messages_stars: None,
            linked_monoforum_id: None,
            linked_community_id: None,
        })),
    }
}

/// The TL photo of a stored photo.
pub fn document_photo(d: &StoredDocument) -> enums::Photo {
    enums::Photo::Photo(types::Photo {
        has_stickers: false,
        id: d.id,
        access_hash: d.access_hash,
        file_reference: d.file_reference.clone(),
        date: d.date,
        // One size, the file as uploaded; its dimensions are not known.
        sizes: vec![enums::PhotoSize::PhotoSize(types::PhotoSize {
            r#type: "x".into(),
            w: 0,
            h: 0,
            size: d.bytes.len() as i32,
        })],
        video_sizes: None,
        dc_id: crate::HOME_DC,
    })
}

/// A user's profile photo, by the photo's id.
pub(super) fn profile_photo(photo_id: i64) -> enums::UserProfilePhoto {
    enums::UserProfilePhoto::UserProfilePhoto(types::UserProfilePhoto {
        has_video: false,
        personal: false,
        photo_id,
        stripped_thumb: None,
        dc_id: crate::HOME_DC,
    })
}

/// A group's photo, by the photo's id.
fn chat_photo(photo_id: i64) -> enums::ChatPhoto {
    enums::ChatPhoto::ChatPhoto(types::ChatPhoto {
        has_video: false,
        photo_id,
        stripped_thumb: None,
        dc_id: crate::HOME_DC,
    })
}

/// The TL media of a stored document or photo.
pub fn document_media(d: &StoredDocument) -> enums::MessageMedia {
    if d.photo {
        return enums::MessageMedia::Photo(Box::new(types::MessageMediaPhoto {
            spoiler: false,
            photo: Some(document_photo(d)),
            ttl_seconds: None,
            video: None,
        }));
    }
    let attributes: Vec<enums::DocumentAttribute> = d
        .name
        .iter()
        .map(|name| {
            enums::DocumentAttribute::Filename(types::DocumentAttributeFilename {
                file_name: name.clone(),
            })
        })
        .chain(d.attributes.iter().cloned())
        .collect();
    // The message's flags say what the attributes make it: a video, a round video, a
    // voice note.
    let video = attributes.iter().find_map(|a| match a {
        enums::DocumentAttribute::Video(v) => Some(v.round_message),
        _ => None,
    });
    let voice = attributes
        .iter()
        .any(|a| matches!(a, enums::DocumentAttribute::Audio(a) if a.voice));
    enums::MessageMedia::Document(Box::new(types::MessageMediaDocument {
        nopremium: false,
        spoiler: false,
        video: video == Some(false),
        round: video == Some(true),
        voice,
        document: Some(enums::Document::Document(Box::new(types::Document {
            id: d.id,
            access_hash: d.access_hash,
            file_reference: d.file_reference.clone(),
            date: d.date,
            mime_type: d.mime_type.clone(),
            size: d.bytes.len() as i64,
            thumbs: None,
            video_thumbs: None,
            dc_id: crate::HOME_DC,
            attributes,
        }))),
        alt_documents: None,
        video_cover: None,
        video_timestamp: None,
        ttl_seconds: None,
    }))
}

/// The TL `message` of a stored private message, in `owner`'s box.
pub(super) fn message(
    m: &StoredMessage,
    owner: i64,
    media: Option<enums::MessageMedia>,
) -> enums::Message {
    let from_id = Some(enums::Peer::User(types::PeerUser { user_id: m.from }));
    let reply_to = m.reply_to.map(|id| {
        enums::MessageReplyHeader::MessageReplyHeader(Box::new(types::MessageReplyHeader {
            reply_to_scheduled: false,
            forum_topic: false,
            quote: m.quote.is_some(),
            reply_to_ephemeral: false,
            reply_to_msg_id: Some(id),
            reply_to_peer_id: None,
            reply_from: None,
            reply_media: None,
            reply_to_top_id: None,
            quote_text: m.quote.as_ref().map(|(text, _)| text.clone()),
            quote_entities: None,
            quote_offset: m.quote.as_ref().map(|&(_, offset)| offset),
            todo_item_id: None,
            poll_option: None,
        }))
    });
    let reactions = reactions(m, owner);
    if let Some(action) = &m.action {
        return enums::Message::Service(Box::new(types::MessageService {
            out: m.out,
            mentioned: false,
            media_unread: false,
            reactions_are_possible: false,
            silent: false,
            post: false,
            legacy: false,
            id: m.id,
            from_id,
            peer_id: m.peer.tl(),
            saved_peer_id: None,
            reply_to,
            date: m.date,
            action: action.clone(),
            reactions,
            ttl_period: None,
        }));
    }
    enums::Message::Message(Box::new(types::Message {
        out: m.out,
        mentioned: false,
        media_unread: false,
        silent: false,
        post: false,
        from_scheduled: false,
        legacy: false,
        edit_hide: false,
        pinned: m.pinned,
        noforwards: false,
        invert_media: m.invert_media,
        offline: false,
        video_processing_pending: false,
        paid_suggested_post_stars: false,
        paid_suggested_post_ton: false,
        id: m.id,
        // Broadcast channel posts carry no sender.
        from_id: (!m.out || !matches!(m.peer, PeerRef::Channel(_)) || m.from != 0)
            .then_some(enums::Peer::User(types::PeerUser { user_id: m.from })),
        from_boosts_applied: None,
        from_rank: None,
        peer_id: m.peer.tl(),
        saved_peer_id: None,
        fwd_from: m.forwarded.map(|(from, date)| {
            enums::MessageFwdHeader::MessageFwdHeader(Box::new(types::MessageFwdHeader {
                imported: false,
                saved_out: false,
                from_id: Some(enums::Peer::User(types::PeerUser { user_id: from })),
                from_name: None,
                date,
                channel_post: None,
                post_author: None,
                saved_from_peer_and_saved_from_msg_id: None,
                saved_from_id: None,
                saved_from_name: None,
                saved_date: None,
                psa_type: None,
            }))
        }),
        via_bot_id: m.via_bot,
        via_business_bot_id: None,
        guestchat_via_from: None,
        reply_to,
        date: m.date,
        message: m.text.clone(),
        media,
        reply_markup: m.reply_markup.clone(),
        entities: m.entities.clone(),
        views_and_forwards: None,
        replies: None,
        edit_date: m.edit_date,
        post_author: None,
        grouped_id: m.grouped_id,
        reactions,
        restriction_reason: None,
        ttl_period: None,
        quick_reply_shortcut_id: None,
        effect: None,
        factcheck: None,
        report_delivery_until_date: None,
        paid_message_stars: None,
        suggested_post: None,
        schedule_repeat_period: None,
        summary_from_language: None,
        rich_message: None,
    }))
}

/// A user's status as others see it: online until a time, or last seen at one.
fn status(a: &Account) -> Option<enums::UserStatus> {
    if a.is_bot() {
        return None;
    }
    match a.online_until {
        Some(expires) => Some(enums::UserStatus::Online(types::UserStatusOnline {
            expires,
        })),
        None if a.last_seen > 0 => Some(enums::UserStatus::Offline(types::UserStatusOffline {
            was_online: a.last_seen,
        })),
        None => None,
    }
}

/// The reactions on a message as `viewer` sees them: a count per emoji (in the order
/// first used), the viewer's own marked, and who reacted.
pub fn reactions(m: &StoredMessage, viewer: i64) -> Option<enums::MessageReactions> {
    if m.reactions.is_empty() {
        return None;
    }
    let mut results: Vec<types::ReactionCount> = Vec::new();
    for (user, emoji) in &m.reactions {
        let at = match results
            .iter()
            .position(|r| matches!(&r.reaction, enums::Reaction::Emoji(e) if e.emoticon == *emoji))
        {
            Some(at) => at,
            None => {
                results.push(types::ReactionCount {
                    chosen_order: None,
                    reaction: emoji_reaction(emoji),
                    count: 0,
                });
                results.len() - 1
            }
        };
        results[at].count += 1;
        if *user == viewer {
            results[at].chosen_order = Some(0);
        }
    }
    // Who reacted is shown in private chats and groups, not in channels.
    let can_see_list = !matches!(m.peer, PeerRef::Channel(_));
    let recent = m
        .reactions
        .iter()
        .map(|(user, emoji)| {
            enums::MessagePeerReaction::MessagePeerReaction(types::MessagePeerReaction {
                big: false,
                unread: false,
                my: *user == viewer,
                peer_id: enums::Peer::User(types::PeerUser { user_id: *user }),
                date: m.date,
                reaction: emoji_reaction(emoji),
            })
        })
        .collect();
    Some(enums::MessageReactions::MessageReactions(
        types::MessageReactions {
            min: false,
            can_see_list,
            reactions_as_tags: false,
            results: results
                .into_iter()
                .map(enums::ReactionCount::ReactionCount)
                .collect(),
            recent_reactions: can_see_list.then_some(recent),
            top_reactors: None,
        },
    ))
}

/// The TL reaction of an emoji.
pub fn emoji_reaction(emoji: &str) -> enums::Reaction {
    enums::Reaction::Emoji(types::ReactionEmoji {
        emoticon: emoji.to_owned(),
    })
}
