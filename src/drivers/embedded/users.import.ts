/**
 * Sections `realms`, `users`, `components` and `apiClients` of a datacenter description (loaded
 * before `vms`, whose owners and assignments name users):
 *
 * ```yaml
 * realms:
 *   - id: 4000013                 # realm uid: letters, digits, "_" (a number is read as text)
 *     name: FOSS-Cloud            # display name
 *     kind: internal              # internal | ldap (default internal)
 *     default: true               # the realm of logins that name none (at most one)
 *     directory:                  # kind ldap: the external LDAP/AD its users log in against
 *       url: ldap://ad.school.example:389
 *       baseDN: ou=users,dc=school,dc=example
 *       bindDN: cn=reader,dc=school,dc=example   # service account that finds the user
 *       bindPassword: secret                     # stored encrypted (AES-256-GCM)
 *       userAttribute: uid                       # default uid (sAMAccountName for AD)
 * users:
 *   - id: a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8   # lower-case UUID
 *     numericId: 2                # optional: Astakos' numeric id (default: next free)
 *     username: alice@example.com # lower-case e-mail; the display name
 *     realName: Alice Example     # optional
 *     emails: [alice@example.com] # optional (default [username])
 *     groups: [default, teachers] # optional (default [default])
 *     realm: 4000013              # optional (default: the default realm)
 *     admin: false                # optional (default false)
 *     active: true                # optional (default true)
 *     termsAccepted: true         # optional (default true)
 *     rights: { dynamicVmView: owner, persistentVmView: owner }   # all | owner | none (default owner)
 *     password: pw                # optional, clear: stored as a scrypt hash
 *     passwordHash: scrypt$…      # optional instead of password: an encoded scrypt hash
 *     token: T1                   # optional, clear: stored as its SHA-256 hash
 *     tokenExpires: 2030-01-01T00:00:00Z   # optional (default: 30 days after the import)
 * components:
 *   - name: cyclades              # lower-case letters, digits, "_", "-"
 *     url: https://cloud.example.org/cyclades/ui   # the component's UI URL
 *     order: 3                    # optional presentation (defaults: astakos.md §7.4)
 *     verboseName: Cyclades
 *     cloudbar: { show: true, title: cyclades }
 *     dashboard: { show: true, order: 2, description: … }
 *     token: C1                   # optional, clear: stored as its SHA-256 hash
 *     tokenExpires: 2030-01-01T00:00:00Z   # optional (default: one year after the import)
 *     services:                   # the service catalog, in this order
 *       - name: cyclades_compute
 *         type: compute
 *         endpoints:              # each endpoint: key/value pairs, order kept
 *           - versionId: v2.0
 *             publicURL: https://cloud.example.org/cyclades/compute/v2.0
 * apiClients:
 *   - appId: myapp                # Gluster REST application
 *     secret: myappsecret         # stored encrypted (AES-256-GCM)
 * ```
 */
import { z } from 'zod';
import { hashPasswordSync, hashToken } from '../../identity/index.js';
import {
  DEFAULT_COMPONENT_TOKEN_SECONDS,
  DEFAULT_USER_TOKEN_SECONDS,
  MAX_SECRET_LENGTH,
  RESERVED_ENDPOINT_KEYS,
  USERS_PATTERNS as P,
} from '../../subgraphs/users/index.js';
import { DatacenterImportError } from './import-error.js';
import type { Store } from './store.js';
import {
  insertComponent,
  insertRealm,
  insertUser,
  SecretBox,
  serviceNameTaken,
  writeToken,
} from './users.js';

const realmId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(P.realmId, 'a realm id: letters, digits, "_"'));
const right = z.enum(['all', 'owner', 'none']).default('owner');
const text = z
  .string()
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');
const clearSecret = z
  .string()
  .min(1)
  .max(MAX_SECRET_LENGTH)
  .refine((value) => value.trim() !== '', 'must not be blank');
const when = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((value) => new Date(value));

const RealmSchema = z.strictObject({
  id: realmId,
  name: text.min(1),
  kind: z.enum(['internal', 'ldap']).default('internal'),
  default: z.boolean().default(false),
  directory: z
    .strictObject({
      url: z.string().regex(/^ldaps?:\/\/[^\s/]+\/?$/, 'ldap://host[:port] or ldaps://host[:port]'),
      baseDN: z.string().min(1),
      bindDN: z.string().min(1),
      bindPassword: clearSecret,
      userAttribute: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/)
        .default('uid'),
    })
    .optional(),
});

const UserSchema = z
  .strictObject({
    id: z.string().regex(P.uuid, 'a lower-case UUID'),
    numericId: z.number().int().positive().optional(),
    username: z.string().regex(P.username, 'a lower-case e-mail address'),
    realName: text.default(''),
    emails: z.array(z.string().regex(P.email, 'an e-mail address')).optional(),
    groups: z
      .array(z.string().regex(P.group, 'a group name: letters, digits, ".", "_", "-"'))
      .default(['default']),
    realm: realmId.optional(),
    admin: z.boolean().default(false),
    active: z.boolean().default(true),
    termsAccepted: z.boolean().default(true),
    rights: z.strictObject({ dynamicVmView: right, persistentVmView: right }).prefault({}),
    password: clearSecret
      .refine((value) => !value.includes('\0'), 'must not contain a NUL character')
      .optional(),
    passwordHash: z.string().startsWith('scrypt$').optional(),
    token: clearSecret.optional(),
    tokenExpires: when.optional(),
  })
  .refine((user) => !(user.password && user.passwordHash), {
    message: 'give password or passwordHash, not both',
  });

const EndpointSchema = z
  .record(z.string().regex(P.endpointKey, 'an endpoint key'), z.string().max(2048))
  .refine(
    (pairs) => Object.keys(pairs).every((key) => !RESERVED_ENDPOINT_KEYS.has(key)),
    'SNF:uiURL and SNF:webloginURL are added by the catalog',
  );

const ComponentSchema = z.strictObject({
  name: z.string().regex(P.componentName, 'a component name: lower-case letters, digits, "_", "-"'),
  url: z.url({ protocol: /^https?$/ }),
  order: z.number().int().optional(),
  verboseName: text.optional(),
  cloudbar: z.strictObject({ show: z.boolean().optional(), title: text.optional() }).optional(),
  dashboard: z
    .strictObject({
      show: z.boolean().optional(),
      order: z.number().int().optional(),
      description: z.string().max(2048).optional(),
    })
    .optional(),
  token: clearSecret.optional(),
  tokenExpires: when.optional(),
  services: z
    .array(
      z.strictObject({
        name: z.string().regex(P.serviceName, 'a service name'),
        type: z.string().regex(P.serviceName, 'a service type'),
        endpoints: z.array(EndpointSchema).default([]),
      }),
    )
    .default([]),
});

const ApiClientSchema = z.strictObject({
  appId: z.string().regex(P.appId, 'an application id: letters, digits, ".", "_", "-"'),
  secret: clearSecret,
});

const SectionsSchema = z.object({
  realms: z.array(RealmSchema).default([]),
  users: z.array(UserSchema).default([]),
  components: z.array(ComponentSchema).default([]),
  apiClients: z.array(ApiClientSchema).default([]),
});

/** `options.secretsKey`: the key the users source encrypts API client secrets with (default: the store's). */
export function importUsers(store: Store, data: unknown, options: { secretsKey?: Buffer } = {}): void {
  const parsed = SectionsSchema.safeParse(data);
  if (!parsed.success) throw DatacenterImportError.fromZod(parsed.error);
  const { realms, users, components, apiClients } = parsed.data;
  const db = store.db;
  const now = Date.now();
  const wholeNow = new Date(Math.floor(now / 1000) * 1000);
  store.transaction(() => {
    realms.forEach((realm, index) => {
      if (db.prepare('SELECT 1 FROM realms WHERE id = ?').get(realm.id)) {
        throw new DatacenterImportError(`realms[${index}].id: realm "${realm.id}" already exists`);
      }
      insertRealm(db, { id: realm.id, name: realm.name, kind: realm.kind, isDefault: realm.default });
      if (realm.directory) {
        if (realm.kind !== 'ldap') {
          throw new DatacenterImportError(
            `realms[${index}].directory: only a realm of kind ldap has a directory`,
          );
        }
        const box = options.secretsKey ? new SecretBox(options.secretsKey) : SecretBox.fromStore(store);
        const { url, baseDN, bindDN, bindPassword, userAttribute } = realm.directory;
        db.prepare(
          `INSERT INTO realm_directories (realm_id, url, base_dn, bind_dn, bind_password, user_attribute)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(realm.id, url, baseDN, bindDN, box.seal(bindPassword, `realm:${realm.id}`), userAttribute);
      }
    });
    if (realms.filter((realm) => realm.default).length > 1) {
      throw new DatacenterImportError('realms: at most one realm may be the default');
    }
    const defaultRealm =
      (db.prepare('SELECT id FROM realms WHERE is_default = 1').get() as { id: string } | undefined)?.id ??
      null;
    users.forEach((user, index) => {
      const at = `users[${index}]`;
      if (db.prepare('SELECT 1 FROM users WHERE id = ?').get(user.id))
        throw new DatacenterImportError(`${at}.id: user "${user.id}" already exists`);
      if (db.prepare('SELECT 1 FROM users WHERE username = ?').get(user.username)) {
        throw new DatacenterImportError(`${at}.username: user "${user.username}" already exists`);
      }
      if (
        user.numericId !== undefined &&
        db.prepare('SELECT 1 FROM users WHERE numeric_id = ?').get(user.numericId)
      ) {
        throw new DatacenterImportError(`${at}.numericId: numeric id ${user.numericId} is taken`);
      }
      const realm = user.realm ?? defaultRealm;
      if (realm !== null && !db.prepare('SELECT 1 FROM realms WHERE id = ?').get(realm)) {
        throw new DatacenterImportError(`${at}.realm: unknown realm "${realm}"`);
      }
      insertUser(db, {
        id: user.id,
        numericId: user.numericId ?? null,
        username: user.username,
        realName: user.realName,
        emails: user.emails ?? [user.username],
        groups: [...new Set(user.groups)],
        active: user.active,
        termsAccepted: user.termsAccepted,
        admin: user.admin,
        realmId: realm,
        rights: user.rights,
        createdAt: wholeNow,
        passwordHash: user.passwordHash ?? (user.password ? hashPasswordSync(user.password) : null),
      });
      if (user.token) {
        if (db.prepare('SELECT 1 FROM user_tokens WHERE token_hash = ?').get(hashToken(user.token))) {
          throw new DatacenterImportError(`${at}.token: the token is already in use`);
        }
        writeToken(db, user.id, {
          hash: hashToken(user.token),
          createdAt: wholeNow,
          expiresAt: user.tokenExpires ?? new Date(wholeNow.getTime() + DEFAULT_USER_TOKEN_SECONDS * 1000),
        });
      }
    });
    components.forEach((component, index) => {
      const at = `components[${index}]`;
      if (db.prepare('SELECT 1 FROM components WHERE name = ?').get(component.name)) {
        throw new DatacenterImportError(`${at}.name: component "${component.name}" already exists`);
      }
      const names = component.services.map((service) => service.name);
      if (new Set(names).size !== names.length || serviceNameTaken(db, names, component.name)) {
        throw new DatacenterImportError(
          `${at}.services: a service name is given twice or used by another component`,
        );
      }
      if (
        component.token &&
        db.prepare('SELECT 1 FROM components WHERE token_hash = ?').get(hashToken(component.token))
      ) {
        throw new DatacenterImportError(`${at}.token: the token is already in use`);
      }
      insertComponent(
        db,
        {
          name: component.name,
          url: component.url,
          order: component.order ?? null,
          verboseName: component.verboseName ?? null,
          cloudbarShow: component.cloudbar?.show ?? null,
          cloudbarTitle: component.cloudbar?.title ?? null,
          dashboardShow: component.dashboard?.show ?? null,
          dashboardOrder: component.dashboard?.order ?? null,
          dashboardDescription: component.dashboard?.description ?? null,
        },
        component.token
          ? {
              hash: hashToken(component.token),
              createdAt: wholeNow,
              expiresAt:
                component.tokenExpires ??
                new Date(wholeNow.getTime() + DEFAULT_COMPONENT_TOKEN_SECONDS * 1000),
            }
          : null,
        component.services.map((service) => ({
          name: service.name,
          type: service.type,
          endpoints: service.endpoints.map((pairs) =>
            Object.entries(pairs).map(([key, value]) => ({ key, value })),
          ),
        })),
      );
    });
    if (apiClients.length > 0) {
      const box = options.secretsKey ? new SecretBox(options.secretsKey) : SecretBox.fromStore(store);
      apiClients.forEach((client, index) => {
        if (db.prepare('SELECT 1 FROM api_clients WHERE app_id = ?').get(client.appId)) {
          throw new DatacenterImportError(
            `apiClients[${index}].appId: application "${client.appId}" already exists`,
          );
        }
        db.prepare(
          'INSERT INTO api_clients (app_id, secret, created_at, updated_at) VALUES (?, ?, ?, ?)',
        ).run(client.appId, box.seal(client.secret, client.appId), now, now);
      });
    }
  });
}
