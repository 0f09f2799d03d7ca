// Ready-to-use access for people, per workload account: a console switch-role link, an AWS CLI
// profile for `aws login` users and the matching `aws sts assume-role` command, and the same for
// programs (ExternalId).
//
// Humans here are IAM users without access keys, so they can get AWS credentials only from a
// console sign-in: in the browser (switch role), or on the command line with `aws login` (AWS CLI
// 2.32.0 or later), which turns the console sign-in into temporary credentials.
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sign-in.html
// https://docs.aws.amazon.com/signin/latest/userguide/command-line-sign-in.html
//
// AWS does not document that a session from `aws login` carries the console sign-in's MFA
// context (aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge), which the audit roles' trust
// requires. So the role profiles do not rely on it: they send the MFA device and a fresh code with
// sts:AssumeRole itself (`mfa_serial`), which puts MFA in that request's context whatever the
// source credentials are.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
import { mfaDeviceArn } from "../policypack/iam/arn";

export interface AccessTarget {
    /** Workload account name, e.g. `prod`. */
    readonly account: string;
    readonly accountId: string;
    readonly roleArn: string;
}

export interface AccessSettings {
    readonly securityAccountId: string;
    readonly partition: string;
    /** Session length to request, 900-3600 seconds. */
    readonly sessionSeconds: number;
    /** Name of the `aws login` profile that holds the caller's console-derived credentials. */
    readonly sourceProfile?: string;
}

export interface AccessProfile {
    /** A `~/.aws/config` section. */
    readonly profile: string;
    /** The equivalent one-off `aws sts assume-role` call. */
    readonly command: string;
}

export interface AccountAccess {
    /** Console switch-role link; absent where the console cannot switch to the role (see `switchRoleUrl`). */
    readonly console?: string;
    readonly human: AccessProfile;
    readonly program: AccessProfile;
}

/** The profile `aws login --profile ...` creates; the role profiles take their credentials from it. */
export const LOGIN_PROFILE = "org-access-login";

const USER = "<your-user-name>";
const DEVICE = "<your-mfa-device-name>";
const EXTERNAL_ID = "<external-id>";

/** The console sign-in host of each partition that has a public console. */
const SIGNIN_HOST: Record<string, string> = {
    aws: "signin.aws.amazon.com",
    "aws-us-gov": "signin.amazonaws-us-gov.com",
    "aws-cn": "signin.amazonaws.cn",
};

/**
 * The console's switch-role link for a role: it opens the Switch Role page with the account and
 * role filled in, for a user already signed in to the security account with MFA.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
 * Undefined where the console cannot switch to it: a partition without a public console, or a role
 * whose path and name together exceed the 64 characters Switch Role accepts
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage.html).
 */
export function switchRoleUrl(
    roleArn: string,
    displayName: string,
    partition = roleArn.split(":")[1],
): string | undefined {
    const host = SIGNIN_HOST[partition];
    const m = /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    if (!host || !m) return undefined;
    const [, account, pathAndName] = m;
    if (pathAndName.length > 64) return undefined;
    const query = new URLSearchParams({
        roleName: pathAndName,
        account,
        displayName: displayName.slice(0, 64),
    });
    return `https://${host}/switchrole?${query.toString()}`;
}

export function accountAccess(target: AccessTarget, settings: AccessSettings): AccountAccess {
    const source = settings.sourceProfile ?? LOGIN_PROFILE;
    const mfaSerial = mfaDeviceArn(settings.partition, settings.securityAccountId, DEVICE);
    const duration = String(settings.sessionSeconds);
    const section = (name: string, lines: [string, string][]) =>
        [`[profile ${name}]`, ...lines.map(([k, v]) => `${k} = ${v}`)].join("\n");
    const link = switchRoleUrl(target.roleArn, `org-access ${target.account}`, settings.partition);
    return {
        ...(link ? { console: link } : {}),
        human: {
            profile: section(`org-access-${target.account}`, [
                ["role_arn", target.roleArn],
                ["source_profile", source],
                ["mfa_serial", mfaSerial],
                ["duration_seconds", duration],
                ["role_session_name", USER],
            ]),
            command: [
                "aws sts assume-role",
                `--role-arn ${target.roleArn}`,
                `--role-session-name ${USER}`,
                `--serial-number ${mfaSerial}`,
                "--token-code <6-digit-code>",
                `--duration-seconds ${duration}`,
                `--profile ${source}`,
            ].join(" "),
        },
        program: {
            profile: section(`org-access-${target.account}-reporter`, [
                ["role_arn", target.roleArn],
                ["source_profile", "org-access-reporter"],
                ["external_id", EXTERNAL_ID],
                ["duration_seconds", duration],
            ]),
            command: [
                "aws sts assume-role",
                `--role-arn ${target.roleArn}`,
                "--role-session-name <reporter-name>",
                `--external-id ${EXTERNAL_ID}`,
                `--duration-seconds ${duration}`,
                "--profile org-access-reporter",
            ].join(" "),
        },
    };
}

/** How a person gets the credentials the role profiles start from, once per working day. */
export const LOGIN_HINT =
    `sign in once with \`aws login --profile ${LOGIN_PROFILE}\` (AWS CLI 2.32.0 or later; your console password and MFA, in the browser), ` +
    `then use a profile below; each role profile asks for a fresh MFA code (\`aws iam list-mfa-devices --profile ${LOGIN_PROFILE}\` shows your device's ARN)`;

/** The `<external-id>` placeholder: ExternalIds are secrets and never printed; this says where to find one. */
export const EXTERNAL_ID_HINT =
    "replace `<external-id>` with your reporter's ExternalId: `pulumi stack output --stack security --show-secrets trustedPrincipals`";

/** The IAM Identity Center instance as the security stack outputs it (stacks/security/identityCenter.ts). */
export interface IdentityCenterSummary {
    readonly portalUrl: string;
    readonly ssoRegion: string;
    readonly permissionSets: readonly string[];
    readonly accounts: readonly { readonly name: string; readonly accountId: string }[];
    readonly unassignedOus?: readonly { readonly stack: string; readonly ous: readonly string[] }[];
    readonly mfa?: string;
}

/** One account and permission set: its `aws configure sso` profile and its access-portal link. */
export interface PermissionSetAccess {
    readonly account: string;
    readonly accountId: string;
    readonly permissionSet: string;
    /** A `~/.aws/config` profile of the sso-session form. */
    readonly profile: string;
    /** The access portal's shortcut link: signs in to the account with the permission set. */
    readonly portalLink: string;
}

export interface IdentityCenterAccess {
    /** The `[sso-session org-access]` section every profile names. */
    readonly session: string;
    readonly access: readonly PermissionSetAccess[];
}

/** The name of the sso-session section the profiles share. */
export const SSO_SESSION = "org-access";

/**
 * Identity Center access for people, per account and permission set: an AWS CLI profile of the
 * sso-session form that `aws configure sso` writes (one session section with the portal's start
 * URL and region, `sso_registration_scopes = sso:account:access`, and per profile the account id
 * and the permission set's name as `sso_role_name`), used after `aws sso login --sso-session
 * org-access`; and the access portal's shortcut link, `<start URL>/#/console?account_id=<id>
 * &role_name=<permission set>`, which opens the console in the account with that permission set.
 * https://docs.aws.amazon.com/cli/latest/userguide/sso-configure-profile-token.html
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/createshortcutlink.html
 */
export function identityCenterAccess(
    ic: IdentityCenterSummary,
    region: string,
): IdentityCenterAccess {
    const start = ic.portalUrl.replace(/\/$/, "");
    const session = [
        `[sso-session ${SSO_SESSION}]`,
        `sso_start_url = ${start}`,
        `sso_region = ${ic.ssoRegion}`,
        "sso_registration_scopes = sso:account:access",
    ].join("\n");
    const access = ic.accounts.flatMap((a) =>
        ic.permissionSets.map((ps) => ({
            account: a.name,
            accountId: a.accountId,
            permissionSet: ps,
            profile: [
                `[profile org-access-${a.name}-${ps}]`,
                `sso_session = ${SSO_SESSION}`,
                `sso_account_id = ${a.accountId}`,
                `sso_role_name = ${ps}`,
                `region = ${region}`,
            ].join("\n"),
            portalLink: `${start}/#/console?${new URLSearchParams({ account_id: a.accountId, role_name: ps }).toString()}`,
        })),
    );
    return { session, access };
}
