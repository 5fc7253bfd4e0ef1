/* flow_dest.h: a flow's destination — its stored JSON (settings and the sealed secret) ⇔ a delivery target. */
#ifndef ECC_FLOW_DEST_H
#define ECC_FLOW_DEST_H

#include "core/arena.h"
#include "delivery/delivery.h"

/*
 * flows.destination_settings holds the non-secret fields, the sealed
 * flows.destination_secret_enc (dbq_flows_secret) the secret ones, each as
 * one JSON object of strings (port as a number):
 *
 *   sftp      settings {"host", "port", "user", "dir", "hostkey", "auth": "password" | "key"}
 *             secret   {"password"} or {"private_key", "key_passphrase"}
 *   http      settings {"url"}
 *             secret   {"token"} (Authorization: Bearer; none when absent)
 *   download  settings {} and no secret
 */

/*
 * flow_dest_target: the delivery target of destination ("sftp" | "http")
 * from settings_json and secret_json (NULL or "" = no secret: the target
 * then lacks its password/key/token). Strings point into a. Returns 0, or
 * -ERR_INVALID for "download", an unknown destination or JSON that is not
 * an object (t is then zeroed). The target is not validated: call
 * delivery_validate (delivery_send does).
 */
int flow_dest_target(struct arena *a, const char *destination, const char *settings_json, const char *secret_json,
    struct delivery_target *t);

/*
 * flow_dest_settings_json / flow_dest_secret_json: the stored JSON of t's
 * non-secret and secret fields (in a). The secret is "" when t carries
 * none (a kept secret is passed as NULL to dbq_flows_update instead).
 */
char *flow_dest_settings_json(struct arena *a, const struct delivery_target *t);
char *flow_dest_secret_json(struct arena *a, const struct delivery_target *t);

#endif
