//! Media of a received message as the `InputMedia` that sends it again (copying a
//! message): files by their id, locations, contacts and dice by their content.

use crate::tl::{enums, types};
use crate::{Error, MediaKind};

/// The input media that sends `media` again.
pub(crate) fn input_media(media: &enums::MessageMedia) -> crate::Result<enums::InputMedia> {
    use enums::MessageMedia as M;
    let unsupported = || {
        let kind = MediaKind::of(media).unwrap_or(MediaKind::Other);
        Error::Unsupported(format!("{kind:?} media can not be sent again"))
    };
    Ok(match media {
        M::Photo(p) => {
            let Some(enums::Photo::Photo(photo)) = &p.photo else {
                return Err(unsupported());
            };
            enums::InputMedia::Photo(Box::new(types::InputMediaPhoto {
                spoiler: p.spoiler,
                id: enums::InputPhoto::InputPhoto(types::InputPhoto {
                    id: photo.id,
                    access_hash: photo.access_hash,
                    file_reference: photo.file_reference.clone(),
                }),
                ttl_seconds: p.ttl_seconds,
                video: None,
            }))
        }
        M::Document(d) => {
            let Some(enums::Document::Document(document)) = &d.document else {
                return Err(unsupported());
            };
            enums::InputMedia::Document(Box::new(types::InputMediaDocument {
                spoiler: d.spoiler,
                id: enums::InputDocument::InputDocument(types::InputDocument {
                    id: document.id,
                    access_hash: document.access_hash,
                    file_reference: document.file_reference.clone(),
                }),
                video_cover: None,
                video_timestamp: d.video_timestamp,
                ttl_seconds: d.ttl_seconds,
                query: None,
            }))
        }
        M::Geo(g) => enums::InputMedia::GeoPoint(types::InputMediaGeoPoint {
            geo_point: input_geo(&g.geo).ok_or_else(unsupported)?,
        }),
        M::Venue(v) => enums::InputMedia::Venue(Box::new(types::InputMediaVenue {
            geo_point: input_geo(&v.geo).ok_or_else(unsupported)?,
            title: v.title.clone(),
            address: v.address.clone(),
            provider: v.provider.clone(),
            venue_id: v.venue_id.clone(),
            venue_type: v.venue_type.clone(),
        })),
        M::Contact(c) => enums::InputMedia::Contact(types::InputMediaContact {
            phone_number: c.phone_number.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            vcard: c.vcard.clone(),
        }),
        M::Dice(d) => enums::InputMedia::Dice(types::InputMediaDice {
            emoticon: d.emoticon.clone(),
        }),
        _ => return Err(unsupported()),
    })
}

fn input_geo(geo: &enums::GeoPoint) -> Option<enums::InputGeoPoint> {
    match geo {
        enums::GeoPoint::GeoPoint(g) => {
            Some(enums::InputGeoPoint::InputGeoPoint(types::InputGeoPoint {
                lat: g.lat,
                long: g.long,
                accuracy_radius: g.accuracy_radius,
            }))
        }
        enums::GeoPoint::Empty => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_sent_again_by_its_id_and_a_poll_is_refused() {
        let media = crate::types::media::tests::document(vec![]);
        let Ok(enums::InputMedia::Document(input)) = input_media(&media) else {
            panic!("a document resends as inputMediaDocument");
        };
        assert!(matches!(
            input.id,
            enums::InputDocument::InputDocument(types::InputDocument {
                id: 1,
                access_hash: 2,
                ..
            })
        ));
        let error = input_media(&enums::MessageMedia::Unsupported).unwrap_err();
        assert!(matches!(error, Error::Unsupported(_)), "{error}");
    }
}
