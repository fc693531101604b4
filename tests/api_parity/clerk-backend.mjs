// The @clerk/backend side of tests/api_parity.rs: runs every named case with Clerk's own SDK
// against a local Clerk (MockClerkApi) and says on stdout, one JSON line per case, whether the
// call succeeded. The requests themselves are read back from the mock's request log by the Rust
// test, which runs the same cases with clerk-sdk's BackendApi against a second mock seeded the
// same way and compares the two logs case by case.
//
// Before each case the script sends `GET /__parity/<case>` (an unknown path the mock records
// and refuses): the markers split the log into cases.
//
//   node clerk-backend.mjs <@clerk/backend package dir> <mock base URL> <secret key>
//
// The ids below are the ones tests/api_parity.rs seeds; the case names and their order are the
// Rust test's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, apiUrl, secretKey] = process.argv.slice(2);
if (!packageDir || !apiUrl || !secretKey) {
  console.error('usage: node clerk-backend.mjs <@clerk/backend dir> <mock url> <secret key>');
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const { createClerkClient } = await import(pathToFileURL(join(packageDir, 'dist/index.mjs')).href);

const clerk = createClerkClient({
  secretKey,
  apiUrl,
  apiVersion: 'v1',
  telemetry: { disabled: true },
});

const ADA = 'user_ada';
const BOB = 'user_bob';
const CAROL = 'user_carol';
const DAVE = 'user_dave';
const PLUS_ID = 'user_plus+id';
const ACME = 'org_acme';
const BETA = 'org_beta';
const ORG_INVITATION = 'orginv_first';
const ORG_INVITATION_2 = 'orginv_second';
const INVITATION = 'inv_first';
const ADA_SESSION = 'sess_ada';
const BOB_SESSION = 'sess_bob';
const ADA_CLIENT = 'client_ada';
// 2024-05-01T12:00:00.123Z and friends: query filters take Unix ms, bodies take dates.
const T1 = 1714564800123;
const T2 = 1735689600000;

const cases = [
  // Users.
  ['users.getUser', () => clerk.users.getUser(ADA)],
  ['users.getUser.plus_in_id', () => clerk.users.getUser(PLUS_ID)],
  ['users.getUser.empty_id', () => clerk.users.getUser('')],
  ['users.getUser.dot_segment', () => clerk.users.getUser('%2e%2e')],
  ['users.getUserList.repeated_filters', () =>
    clerk.users.getUserList({
      emailAddress: ['ada@example.com', 'bob+tag@example.com'],
      userId: [ADA, BOB],
      orderBy: '-created_at',
      limit: 5,
      offset: 1,
    })],
  ['users.getUserList.one_request', () => clerk.users.getUserList({ userId: [ADA], limit: 2 })],
  ['users.getUserList.signed_filters', () =>
    clerk.users.getUserList({
      externalId: ['-ext_none'],
      organizationId: [ACME, BETA],
      phoneNumber: ['+15550100'],
      username: ['ada', 'bob'],
      web3Wallet: ['0xabc'],
      query: 'ada lovelace',
      orderBy: '+first_name',
      limit: 500,
    })],
  ['users.getUserList.timestamps', () =>
    clerk.users.getUserList({
      createdAtAfter: T1,
      createdAtBefore: T2,
      lastActiveAtAfter: T1,
      lastActiveAtBefore: T2,
      lastSignInAtAfter: T1,
      lastSignInAtBefore: T2,
      last_active_at_since: T1,
    })],
  ['users.getUserList.text_queries', () =>
    clerk.users.getUserList({
      // Not in @clerk/backend's type, passed through all the same.
      emailAddressQuery: 'example.com',
      phoneNumberQuery: '555',
      usernameQuery: 'ad',
      nameQuery: 'Ada L',
      banned: true,
    })],
  ['users.getUserList.unusual_characters', () =>
    clerk.users.getUserList({ query: "a~b*c!'()-._ é/日本?&=#%+", username: ['x y', 'ü+'] })],
  ['users.getUserList.false_and_zero', () =>
    clerk.users.getUserList({ banned: false, offset: 0, limit: 10 })],
  ['users.getUserList.no_params', () => clerk.users.getUserList()],
  ['users.getUserList.empty_strings', () =>
    clerk.users.getUserList({ query: '', orderBy: '', emailAddress: [], limit: 3 })],
  ['users.getUserList.limit_zero', () => clerk.users.getUserList({ limit: 0 })],
  ['users.getUserList.limit_over_500', () => clerk.users.getUserList({ limit: 501 })],
  ['users.getCount', () =>
    clerk.users.getCount({ emailAddress: ['ada@example.com', 'bob+tag@example.com'], query: 'a' })],
  ['users.getCount.no_params', () => clerk.users.getCount()],
  ['users.createUser', () =>
    clerk.users.createUser({
      emailAddress: ['new@example.com', 'new2@example.com'],
      phoneNumber: ['+15550199'],
      username: 'newbie',
      password: 'correct horse battery staple',
      firstName: 'New',
      lastName: 'User',
      externalId: 'ext_new',
      locale: 'fr-FR',
      skipPasswordChecks: true,
      skipLegalChecks: false,
      legalAcceptedAt: new Date(T1),
      createdAt: new Date(T2),
      publicMetadata: { plan: 'pro', nested: { camelKey: 1, gone: null }, list: [1, null, 'x'] },
      privateMetadata: { stripe_id: 'cus_1' },
      unsafeMetadata: {},
    })],
  ['users.createUser.password_digest', () =>
    clerk.users.createUser({
      emailAddress: ['digest@example.com'],
      passwordDigest: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
      passwordHasher: 'bcrypt',
      backupCodes: ['code-1', 'code-2'],
      totpSecret: 'JBSWY3DPEHPK3PXP',
      skipPasswordRequirement: false,
    })],
  ['users.updateUser', () =>
    clerk.users.updateUser(ADA, {
      firstName: 'Augusta',
      lastName: 'King',
      username: 'ada',
      externalId: 'ext_ada',
      locale: 'en-GB',
      skipPasswordChecks: false,
      signOutOfOtherSessions: true,
      deleteSelfEnabled: false,
      createOrganizationEnabled: true,
      createOrganizationsLimit: 0,
      legalAcceptedAt: new Date(T1),
      notifyPrimaryEmailAddressChanged: false,
    })],
  ['users.updateUser.primary_ids', () =>
    clerk.users.updateUser(ADA, {
      primaryEmailAddressID: 'idn_none',
      primaryPhoneNumberID: 'idn_none_2',
      primaryWeb3WalletID: 'idn_none_3',
      profileImageID: 'img_none',
    })],
  ['users.updateUserMetadata', () =>
    clerk.users.updateUserMetadata(ADA, {
      publicMetadata: { plan: 'team', nested: { keep: true, drop: null, deeper: { x: [1, 2] } } },
      privateMetadata: { removed: null },
      unsafeMetadata: { theme: 'dark' },
    })],
  ['users.replaceUserMetadata', () =>
    clerk.users.replaceUserMetadata(BOB, { publicMetadata: {}, privateMetadata: null })],
  ['users.getOrganizationMembershipList', () =>
    clerk.users.getOrganizationMembershipList({ userId: ADA, limit: 20, offset: 5 })],
  ['users.getOrganizationMembershipList.offset_zero', () =>
    clerk.users.getOrganizationMembershipList({ userId: ADA, limit: 20, offset: 0 })],
  ['users.verifyPassword', () => clerk.users.verifyPassword({ userId: ADA, password: 'ada-secret-1' })],
  ['users.verifyPassword.wrong', () => clerk.users.verifyPassword({ userId: ADA, password: 'nope' })],
  ['users.banUser', () => clerk.users.banUser(DAVE)],
  ['users.unbanUser', () => clerk.users.unbanUser(DAVE)],
  ['users.lockUser', () => clerk.users.lockUser(DAVE)],
  ['users.unlockUser', () => clerk.users.unlockUser(DAVE)],

  // Organizations.
  ['organizations.getOrganization', () => clerk.organizations.getOrganization({ organizationId: ACME })],
  ['organizations.getOrganization.slug', () => clerk.organizations.getOrganization({ slug: 'acme' })],
  ['organizations.getOrganization.members_count', () =>
    clerk.organizations.getOrganization({ organizationId: ACME, includeMembersCount: true })],
  ['organizations.getOrganization.members_count_false', () =>
    clerk.organizations.getOrganization({ organizationId: ACME, includeMembersCount: false })],
  ['organizations.getOrganizationList', () =>
    clerk.organizations.getOrganizationList({
      query: 'ac',
      organizationId: [ACME, BETA],
      includeMembersCount: true,
      orderBy: '-members_count',
      limit: 10,
      offset: 1,
    })],
  ['organizations.getOrganizationList.users', () =>
    clerk.organizations.getOrganizationList({ userId: [ADA, BOB], includeMissingMemberWithElevatedPermissions: true })],
  ['organizations.getOrganizationList.false_and_zero', () =>
    clerk.organizations.getOrganizationList({ includeMembersCount: false, offset: 0 })],
  ['organizations.createOrganization', () =>
    clerk.organizations.createOrganization({
      name: 'Gamma Inc',
      slug: 'gamma',
      createdBy: ADA,
      maxAllowedMemberships: 0,
      publicMetadata: { region: { code: 'eu', legacy: null } },
      privateMetadata: { crm: 'c_1' },
    })],
  ['organizations.updateOrganization', () =>
    clerk.organizations.updateOrganization(ACME, {
      name: 'Acme Corp',
      adminDeleteEnabled: false,
      maxAllowedMemberships: 25,
    })],
  ['organizations.updateOrganizationMetadata', () =>
    clerk.organizations.updateOrganizationMetadata(ACME, {
      publicMetadata: { tier: { level: 2, trial: null } },
      privateMetadata: { notes: ['a', null] },
    })],
  ['organizations.updateOrganizationMetadata.unsafe', () =>
    clerk.organizations.updateOrganizationMetadata(ACME, { unsafeMetadata: { x: 1 } })],
  ['organizations.replaceOrganizationMetadata', () =>
    clerk.organizations.replaceOrganizationMetadata(ACME, { publicMetadata: { a: { b: null } }, privateMetadata: {} })],
  ['organizations.getOrganizationMembershipList', () =>
    clerk.organizations.getOrganizationMembershipList({
      organizationId: ACME,
      userId: [ADA, BOB],
      emailAddress: ['ada@example.com', 'bob+tag@example.com'],
      role: ['org:admin', 'org:member'],
      query: 'a',
      createdAtAfter: T1,
      lastActiveAtBefore: T2,
      orderBy: '+created_at',
      limit: 50,
      offset: 1,
    })],
  ['organizations.getOrganizationMembershipList.text_queries', () =>
    clerk.organizations.getOrganizationMembershipList({
      organizationId: ACME,
      phoneNumber: ['+15550100'],
      username: ['ada'],
      web3Wallet: ['0xabc'],
      emailAddressQuery: 'example',
      phoneNumberQuery: '555',
      usernameQuery: 'ad',
      nameQuery: 'Ada',
      createdAtBefore: T2,
      lastActiveAtAfter: T1,
    })],
  ['organizations.createOrganizationMembership', () =>
    clerk.organizations.createOrganizationMembership({ organizationId: ACME, userId: CAROL, role: 'org:member' })],
  ['organizations.updateOrganizationMembership', () =>
    clerk.organizations.updateOrganizationMembership({ organizationId: ACME, userId: CAROL, role: 'org:admin' })],
  ['organizations.updateOrganizationMembershipMetadata', () =>
    clerk.organizations.updateOrganizationMembershipMetadata({
      organizationId: ACME,
      userId: CAROL,
      publicMetadata: { team: { name: 'core', lead: null } },
      privateMetadata: { since: T1 },
    })],
  ['organizations.deleteOrganizationMembership', () =>
    clerk.organizations.deleteOrganizationMembership({ organizationId: ACME, userId: CAROL })],
  ['organizations.createOrganizationInvitation', () =>
    clerk.organizations.createOrganizationInvitation({
      organizationId: ACME,
      emailAddress: 'invitee+org@example.com',
      role: 'org:member',
      inviterUserId: ADA,
      expiresInDays: 7,
      redirectUrl: 'https://app.example/accept?x=1',
      publicMetadata: { source: { campaign: 'spring', ref: null } },
      privateMetadata: {},
    })],
  ['organizations.getOrganizationInvitationList', () =>
    clerk.organizations.getOrganizationInvitationList({
      organizationId: ACME,
      status: ['pending', 'revoked'],
      limit: 10,
      offset: 1,
    })],
  ['organizations.getOrganizationInvitation', () =>
    clerk.organizations.getOrganizationInvitation({ organizationId: ACME, invitationId: ORG_INVITATION })],
  ['organizations.revokeOrganizationInvitation', () =>
    clerk.organizations.revokeOrganizationInvitation({
      organizationId: ACME,
      invitationId: ORG_INVITATION,
      requestingUserId: ADA,
    })],
  ['organizations.revokeOrganizationInvitation.no_requester', () =>
    clerk.organizations.revokeOrganizationInvitation({ organizationId: ACME, invitationId: ORG_INVITATION_2 })],
  ['organizations.deleteOrganization', () => clerk.organizations.deleteOrganization(BETA)],

  // Instance invitations.
  ['invitations.createInvitation', () =>
    clerk.invitations.createInvitation({
      emailAddress: 'friend+1@example.com',
      publicMetadata: { referrer: ADA, perks: { beta: true, old: null } },
      redirectUrl: 'https://app.example/welcome',
      notify: false,
      ignoreExisting: true,
      expiresInDays: 14,
      templateSlug: 'invitation',
    })],
  ['invitations.getInvitationList', () =>
    clerk.invitations.getInvitationList({ status: 'pending', query: 'example.com', orderBy: '-created_at', limit: 5, offset: 1 })],
  ['invitations.getInvitationList.empty', () => clerk.invitations.getInvitationList()],
  ['invitations.revokeInvitation', () => clerk.invitations.revokeInvitation(INVITATION)],

  // Sessions.
  ['sessions.getSession', () => clerk.sessions.getSession(ADA_SESSION)],
  ['sessions.getSessionList.user', () =>
    clerk.sessions.getSessionList({ userId: ADA, status: 'active', limit: 10, offset: 1 })],
  ['sessions.getSessionList.client', () => clerk.sessions.getSessionList({ clientId: ADA_CLIENT })],
  ['sessions.getToken', () => clerk.sessions.getToken(ADA_SESSION)],
  ['sessions.getToken.template', () => clerk.sessions.getToken(ADA_SESSION, 'parity', 120)],
  ['sessions.getToken.template_only', () => clerk.sessions.getToken(ADA_SESSION, 'parity')],
  ['sessions.getToken.zero_expiry', () => clerk.sessions.getToken(ADA_SESSION, undefined, 0)],
  ['sessions.revokeSession', () => clerk.sessions.revokeSession(BOB_SESSION)],

  // Last: the user the cases above no longer need.
  ['users.deleteUser', () => clerk.users.deleteUser(CAROL)],
];

const emit = (line) => process.stdout.write(JSON.stringify(line) + '\n');
emit({ version });
for (const [name, run] of cases) {
  await fetch(`${apiUrl}/__parity/${encodeURIComponent(name)}`);
  try {
    await run();
    emit({ case: name, ok: true });
  } catch (e) {
    const detail = e?.errors?.map((x) => x.code).join(',') ?? '';
    emit({ case: name, ok: false, error: `${e?.status ?? ''} ${detail} ${e?.message ?? e}`.trim() });
  }
}
emit({ done: true });
