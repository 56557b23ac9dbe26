//! `account.*`: the two-step verification password.

use oxigram_proto::crypto::dh::TELEGRAM_PRIME;
use oxigram_tl::{Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, error, ok};

impl ApiState {
    /// Answers a `account.*` method.
    pub(super) fn account(&mut self, req: &Request<'_>) -> Reply {
        let &Request { dc, key, .. } = req;
        match req.id {
            functions::account::GetPassword::CONSTRUCTOR_ID => {
                let Some(user) = self
                    .signed_in(dc, key)
                    .or_else(|| self.awaiting_password.get(&(dc, key)).copied())
                else {
                    return error(401, "AUTH_KEY_UNREGISTERED");
                };
                let mut secure_random = Vec::new();
                for _ in 0..32 {
                    secure_random.extend_from_slice(&self.next().to_le_bytes());
                }
                let new_algo = |salt: Vec<u8>| {
                    enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
                        types::PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
                            salt1: salt.into(),
                            salt2: vec![0; 16].into(),
                            g: 3,
                            p: TELEGRAM_PRIME.to_vec().into(),
                        },
                    )
                };
                let current = match self.passwords.get(&user).cloned() {
                    Some(verifier) => {
                        let mut b = [0u8; 256];
                        for chunk in b.chunks_mut(8) {
                            chunk.copy_from_slice(&self.next().to_le_bytes());
                        }
                        let srp_id = self.next() as i64;
                        self.challenges.insert((dc, key), (srp_id, b));
                        let (salt1, salt2, g, p) = verifier.parameters();
                        let algo = enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
                            types::PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
                                salt1: salt1.to_vec().into(),
                                salt2: salt2.to_vec().into(),
                                g,
                                p: p.to_vec().into(),
                            },
                        );
                        Some((algo, verifier.challenge(&b).to_vec().into(), srp_id))
                    }
                    None => None,
                };
                // `has_password` shares its flag with the current algorithm.
                ok(types::account::Password {
                    has_recovery: false,
                    has_secure_values: false,
                    current_algo_and_srp_b_and_srp_id: current,
                    hint: None,
                    email_unconfirmed_pattern: None,
                    new_algo: new_algo(secure_random[..8].to_vec()),
                    new_secure_algo: enums::SecurePasswordKdfAlgo::Unknown,
                    secure_random: secure_random.into(),
                    pending_reset_date: None,
                    login_email_pattern: None,
                })
            }
            functions::account::UpdateStatus::CONSTRUCTOR_ID => self.update_status(req),
            functions::account::UpdateProfile::CONSTRUCTOR_ID => self.update_profile(req),
            _ => super::not_implemented(req.id),
        }
    }
}
