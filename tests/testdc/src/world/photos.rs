//! Profile photos of users and the photos of groups.

use super::World;

/// Profile photos kept per user; setting one more forgets the oldest.
pub const MAX_PROFILE_PHOTOS: usize = 100;

impl World {
    /// Makes stored photo `photo` the user's current profile photo.
    pub fn set_profile_photo(&mut self, user: i64, photo: i64) {
        let photos = self.profile_photos.entry(user).or_default();
        photos.retain(|&p| p != photo);
        photos.insert(0, photo);
        photos.truncate(MAX_PROFILE_PHOTOS);
    }

    /// A user's profile photos, newest (the current one) first.
    pub fn profile_photos(&self, user: i64) -> &[i64] {
        self.profile_photos.get(&user).map_or(&[], Vec::as_slice)
    }

    /// Sets or (with `None`) removes group `id`'s photo; false if there is no such
    /// group.
    pub fn set_group_photo(&mut self, id: i64, photo: Option<i64>) -> bool {
        match self.groups.get_mut(&id) {
            Some(g) => {
                g.photo = photo;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_photo_comes_first_and_the_oldest_goes_beyond_the_bound() {
        let mut world = World::new(1);
        for photo in 0..=MAX_PROFILE_PHOTOS as i64 {
            world.set_profile_photo(5, photo);
        }
        let photos = world.profile_photos(5);
        assert_eq!(photos.len(), MAX_PROFILE_PHOTOS);
        assert_eq!((photos[0], photos[MAX_PROFILE_PHOTOS - 1]), (100, 1));
        // Setting an old photo again moves it to the front, once.
        world.set_profile_photo(5, 50);
        assert_eq!(&world.profile_photos(5)[..2], &[50, 100]);
        assert_eq!(world.profile_photos(5).len(), MAX_PROFILE_PHOTOS);
        assert!(world.profile_photos(6).is_empty());
    }
}
