// Ready-to-use access for people: an AWS CLI profile and the matching `aws sts assume-role`
// command for each workload account, for humans (MFA) and for programs (ExternalId).
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html

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
    /** Name of the profile holding the caller's security-account credentials. */
    readonly sourceProfile?: string;
}

export interface AccessProfile {
    /** A `~/.aws/config` section. */
    readonly profile: string;
    /** The equivalent one-off `aws sts assume-role` call. */
    readonly command: string;
}

export interface AccountAccess {
    readonly human: AccessProfile;
    readonly program: AccessProfile;
}

// The self-service MFA policy lets each user create exactly one virtual device named after them,
// so the device ARN is `mfa/<user name>`.
const USER = "<your-user-name>";
const EXTERNAL_ID = "<external-id>";

export function accountAccess(target: AccessTarget, settings: AccessSettings): AccountAccess {
    const source = settings.sourceProfile ?? "org-access-security";
    const mfaSerial = `arn:${settings.partition}:iam::${settings.securityAccountId}:mfa/${USER}`;
    const duration = String(settings.sessionSeconds);
    const section = (name: string, lines: [string, string][]) =>
        [`[profile ${name}]`, ...lines.map(([k, v]) => `${k} = ${v}`)].join("\n");
    return {
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

/** The `<external-id>` placeholder: ExternalIds are secrets and never printed; this says where to find one. */
export const EXTERNAL_ID_HINT =
    "replace <external-id> with your reporter's ExternalId: pulumi stack output --stack security --show-secrets trustedPrincipals";
