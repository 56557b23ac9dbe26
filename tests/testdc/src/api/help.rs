//! `help.*`: the configuration and the nearest DC.

use oxigram_tl::{Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, ok};

impl ApiState {
    /// Answers a `help.*` method.
    pub(super) fn help(&mut self, req: &Request<'_>) -> Reply {
        let &Request { dc, now, .. } = req;
        match req.id {
            functions::help::GetConfig::CONSTRUCTOR_ID => ok(self.config(dc, now)),
            functions::help::GetNearestDc::CONSTRUCTOR_ID => ok(types::NearestDc {
                country: "ZZ".into(),
                this_dc: self.dcs[dc].id,
                nearest_dc: self.dcs[dc].id,
            }),
            _ => super::not_implemented(req.id),
        }
    }

    pub(super) fn config(&self, dc: usize, now: i32) -> types::Config {
        types::Config {
            default_p2p_contacts: false,
            preload_featured_stickers: false,
            revoke_pm_inbox: true,
            blocked_mode: false,
            force_try_ipv6: false,
            date: now,
            expires: now + 3600,
            test_mode: true,
            this_dc: self.dcs[dc].id,
            // Every DC twice: its address, then its media address (a listener of its
            // own, or the same address) as a `media_only` option, so that clients find a
            // media DC as they would on Telegram (which lists separate servers for
            // files). The plain option comes first for clients that take the first
            // option of a DC. A CDN DC is listed once, as a CDN.
            // Then, where the DC listens on `::1`, its IPv6 option.
            dc_options: self
                .dcs
                .iter()
                .flat_map(|d| {
                    let kinds: &[bool] = if d.cdn { &[false] } else { &[false, true] };
                    kinds.iter().map(|&media_only| {
                        enums::DcOption::DcOption(types::DcOption {
                            ipv6: false,
                            media_only,
                            tcpo_only: false,
                            cdn: d.cdn,
                            r#static: false,
                            this_port_only: false,
                            id: d.id,
                            ip_address: d.ip.clone(),
                            port: i32::from(match d.media_port {
                                Some(port) if media_only => port,
                                _ => d.port,
                            }),
                            secret: None,
                        })
                    })
                })
                .chain(self.dcs.iter().filter_map(|d| {
                    let port = d.ipv6_port?;
                    Some(enums::DcOption::DcOption(types::DcOption {
                        ipv6: true,
                        media_only: false,
                        tcpo_only: false,
                        cdn: false,
                        r#static: false,
                        this_port_only: false,
                        id: d.id,
                        ip_address: "::1".into(),
                        port: i32::from(port),
                        secret: None,
                    }))
                }))
                .collect(),
            dc_txt_domain_name: "testdc.invalid".into(),
            chat_size_max: 200,
            megagroup_size_max: 200_000,
            forwarded_count_max: 100,
            online_update_period_ms: 210_000,
            offline_blur_timeout_ms: 5_000,
            offline_idle_timeout_ms: 30_000,
            online_cloud_timeout_ms: 300_000,
            notify_cloud_delay_ms: 30_000,
            notify_default_delay_ms: 1_500,
            push_chat_period_ms: 60_000,
            push_chat_limit: 2,
            edit_time_limit: 172_800,
            revoke_time_limit: i32::MAX,
            revoke_pm_time_limit: i32::MAX,
            rating_e_decay: 2_419_200,
            stickers_recent_limit: 200,
            channels_read_media_period: 604_800,
            tmp_sessions: None,
            call_receive_timeout_ms: 20_000,
            call_ring_timeout_ms: 90_000,
            call_connect_timeout_ms: 30_000,
            call_packet_timeout_ms: 10_000,
            me_url_prefix: "https://t.me/".into(),
            autoupdate_url_prefix: None,
            gif_search_username: None,
            venue_search_username: None,
            img_search_username: None,
            static_maps_provider: None,
            caption_length_max: 1024,
            message_length_max: 4096,
            webfile_dc_id: self.dcs[0].id,
            suggested_lang_code_and_lang_pack_version_and_base_lang_pack_version: None,
            reactions_default: None,
            autologin_token: None,
        }
    }
}
