import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { after, arn, awsManagedPolicyArn, iamUserArn } from "./arns";
import { SECURITY_ACCESS_TYPE } from "../policypack/componentTypes";
import { assumeInOrganizationStatement, DUTY_TAG, PRINCIPAL_TYPE_TAG } from "./orgGrants";
import { requireProvider } from "./componentOptions";

export interface SecurityAccessArgs {
    /** The security account itself; scopes the self-service MFA statements. */
    readonly accountId: string;
    /** IAM user names of the human auditors. */
    readonly auditors: readonly string[];
    /** IAM user names of the programmatic reporters. */
    readonly reporters: readonly string[];
    /**
     * Exact ARNs of the audit roles the groups may assume; never a wildcard. The grant covers
     * their path and name in every account of `organizationId` (components/orgGrants.ts).
     */
    readonly auditRoleArns: readonly string[];
    /** The organization (`org-access:organizationId`) whose accounts' audit roles are granted. */
    readonly organizationId: string;
    /** IAM path for users and groups. Default `/org-access/`. */
    readonly path?: string;
    /** Oldest MFA sign-in a human may use to assume a role, in seconds. Default 3600. */
    readonly mfaMaxAgeSeconds?: number;
    /** Account password policy, at CIS strength by default. */
    readonly passwordPolicy?: {
        readonly minimumLength: number;
        readonly reusePrevention: number;
        readonly maxAgeDays: number;
    };
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Tags for users and other taggable resources. */
    readonly tags?: Record<string, string>;
}

export { PRINCIPAL_TYPE_TAG } from "./orgGrants";

/** What a user still may do before signing in with MFA: set up MFA and change a first password. */
export const MFA_BOOTSTRAP_ACTIONS = [
    "iam:ChangePassword",
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetAccountPasswordPolicy",
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
];

/**
 * What `aws login` needs: AWS's SignInLocalDevelopmentAccess managed policy grants exactly these
 * two actions, on `arn:aws:signin:*:*:oauth2/public-client/*`. Every group of people (the auditors
 * here, the duty groups in dutyGroup.ts) gets the managed policy; the Deny-without-MFA exempts
 * both, because AWS does not document that the token exchange carries the console sign-in's MFA
 * context. The session they yield is still denied everything else without MFA, so it can only
 * assume a role by sending an MFA code with sts:AssumeRole (the roles' trust requires it).
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sign-in.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/SignInLocalDevelopmentAccess.html
 */
export const SIGNIN_LOCAL_DEVELOPMENT_ACTIONS = [
    "signin:AuthorizeOAuth2Access",
    "signin:CreateOAuth2Token",
];

/** The AWS managed policy `aws login` needs, in a partition. */
export function signInLocalDevelopmentPolicyArn(partition: string): string {
    return awsManagedPolicyArn(partition, "/SignInLocalDevelopmentAccess");
}

/**
 * AWS's "deny everything without MFA" pattern. In a Deny, `BoolIfExists ... false` is the right
 * operator: it also denies requests that carry no MFA key at all (long-term keys).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
 */
export function denyWithoutMfaPolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyAllExceptMfaSetupWithoutMfa",
                Effect: "Deny",
                NotAction: [...MFA_BOOTSTRAP_ACTIONS, ...SIGNIN_LOCAL_DEVELOPMENT_ACTIONS],
                Resource: "*",
                Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
            },
            // Humans never hold access keys; this stops a user from minting one for themselves.
            {
                Sid: "DenyOwnAccessKeys",
                Effect: "Deny",
                Action: ["iam:CreateAccessKey", "iam:UpdateAccessKey"],
                Resource: "*",
            },
        ],
    };
}

/** Lets each user manage their own password and MFA device, and nothing else in IAM. */
export function mfaSelfServicePolicy(
    partition: string,
    accountId: string,
    path: string,
): aws.iam.PolicyDocument {
    // `${aws:username}` is an IAM policy variable, resolved by IAM at request time.
    const self = iamUserArn(partition, accountId, "${aws:username}", path);
    // A device of any name, as in AWS's current example: creating one grants nothing by itself,
    // because only ManageOwnUserMfa (the user's own ARN) attaches a device, to the signed-in user.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
    const anyDevice = arn(partition, "iam", "", accountId, "mfa/*");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ViewAccountInfo",
                Effect: "Allow",
                Action: ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
                Resource: "*",
            },
            {
                Sid: "ManageOwnPassword",
                Effect: "Allow",
                Action: ["iam:ChangePassword", "iam:GetUser"],
                Resource: self,
            },
            {
                Sid: "ManageOwnVirtualMfaDevice",
                Effect: "Allow",
                Action: ["iam:CreateVirtualMFADevice"],
                Resource: anyDevice,
            },
            {
                Sid: "ManageOwnUserMfa",
                Effect: "Allow",
                Action: [
                    "iam:DeactivateMFADevice",
                    "iam:EnableMFADevice",
                    "iam:GetMFADevice",
                    "iam:ListMFADevices",
                    "iam:ResyncMFADevice",
                ],
                Resource: self,
            },
        ],
    };
}

/**
 * `sts:AssumeRole` on the audit roles' path and name in any account of the organization (see
 * components/orgGrants.ts for why that is safe and what it relies on); for humans only with
 * present, recent MFA. Its size does not grow with the workload accounts.
 */
export function assumeAuditRolesPolicy(
    roleArns: readonly string[],
    organizationId: string,
    mfaMaxAgeSeconds?: number,
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            assumeInOrganizationStatement({
                sid:
                    mfaMaxAgeSeconds === undefined ? "AssumeAuditRoles" : "AssumeAuditRolesWithMfa",
                what: "assumeAuditRolesPolicy",
                roleArns,
                organizationId,
                mfaMaxAgeSeconds,
            }),
        ],
    };
}

/** The auditors' and the reporters' groups, and the only permissions either has. */
function accessGroups(
    name: string,
    args: SecurityAccessArgs,
    at: { readonly partition: string; readonly path: string },
    parent: pulumi.CustomResourceOptions,
): { auditors: aws.iam.Group; reporters: aws.iam.Group } {
    const { partition, path } = at;
    const mfaMaxAge = args.mfaMaxAgeSeconds ?? 3600;
    const auditors = new aws.iam.Group(
        `${name}-auditors`,
        { name: "org-access-auditors", path },
        parent,
    );
    const reporters = new aws.iam.Group(
        `${name}-reporters`,
        { name: "org-access-reporters", path },
        parent,
    );

    const groupPolicy = (
        suffix: string,
        group: aws.iam.Group,
        policyName: string,
        doc: aws.iam.PolicyDocument,
    ) =>
        new aws.iam.GroupPolicy(
            `${name}-${suffix}`,
            { group: group.name, name: policyName, policy: JSON.stringify(doc) },
            parent,
        );
    groupPolicy(
        "auditors-assume",
        auditors,
        "assume-audit-roles-with-mfa",
        assumeAuditRolesPolicy(args.auditRoleArns, args.organizationId, mfaMaxAge),
    );
    groupPolicy(
        "auditors-mfa-self-service",
        auditors,
        "mfa-self-service",
        mfaSelfServicePolicy(partition, args.accountId, path),
    );
    groupPolicy("auditors-deny-without-mfa", auditors, "deny-without-mfa", denyWithoutMfaPolicy());
    // Console credentials on the command line (`aws login`), for people without access keys.
    new aws.iam.GroupPolicyAttachment(
        `${name}-auditors-aws-login`,
        {
            group: auditors.name,
            policyArn: signInLocalDevelopmentPolicyArn(partition),
        },
        parent,
    );
    groupPolicy(
        "reporters-assume",
        reporters,
        "assume-audit-roles",
        assumeAuditRolesPolicy(args.auditRoleArns, args.organizationId),
    );
    return { auditors, reporters };
}

/** One IAM user of the security account, a member of its group, tagged human or machine. */
function member(
    name: string,
    args: SecurityAccessArgs,
    user: {
        readonly userName: string;
        readonly group: aws.iam.Group;
        readonly kind: "human" | "reporter";
        readonly path: string;
    },
    parent: pulumi.CustomResourceOptions,
): aws.iam.User {
    const { userName, group, kind, path } = user;
    const u = new aws.iam.User(
        `${name}-${kind}-${userName}`,
        {
            name: userName,
            path,
            forceDestroy: false,
            tags: {
                ...args.tags,
                Kind: kind,
                [PRINCIPAL_TYPE_TAG]: kind === "human" ? "human" : "machine",
                // The audit roles trust the security account's users by path and these two tags.
                ...(kind === "human" ? { [DUTY_TAG]: "audit" } : {}),
            },
        },
        parent,
    );
    new aws.iam.UserGroupMembership(
        `${name}-${kind}-${userName}-membership`,
        { user: u.name, groups: [group.name] },
        parent,
    );
    return u;
}

/** CIS AWS Foundations 1.8-1.9: length 14 or more, no reuse of the last 24. */
function accountPasswordPolicy(
    name: string,
    args: SecurityAccessArgs,
    parent: pulumi.CustomResourceOptions,
): aws.iam.AccountPasswordPolicy {
    const pw = args.passwordPolicy ?? {
        minimumLength: 14,
        reusePrevention: 24,
        maxAgeDays: 90,
    };
    return new aws.iam.AccountPasswordPolicy(
        `${name}-password-policy`,
        {
            minimumPasswordLength: pw.minimumLength,
            passwordReusePrevention: pw.reusePrevention,
            maxPasswordAge: pw.maxAgeDays,
            requireLowercaseCharacters: true,
            requireUppercaseCharacters: true,
            requireNumbers: true,
            requireSymbols: true,
            allowUsersToChangePassword: true,
            hardExpiry: false,
        },
        parent,
    );
}

/**
 * The people and service identities of the security account. Permissions come only from two
 * groups; humans have no access keys and must use MFA; programs have no console password.
 */
export class SecurityAccess extends pulumi.ComponentResource {
    public readonly auditorsGroup: aws.iam.Group;
    public readonly reportersGroup: aws.iam.Group;
    public readonly humanUsers: aws.iam.User[];
    public readonly reporterUsers: aws.iam.User[];
    public readonly passwordPolicy: aws.iam.AccountPasswordPolicy;
    /** ARNs of the human users, for the audit roles' trust. */
    public readonly humanArns: pulumi.Output<string[]>;
    /** ARNs of the reporter users, in the order given. */
    public readonly reporterArns: pulumi.Output<string[]>;

    constructor(name: string, args: SecurityAccessArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `SecurityAccess ${name}`, "a provider for the security account");
        super(SECURITY_ACCESS_TYPE, name, {}, opts);
        const partition = args.partition ?? "aws";
        const path = args.path ?? "/org-access/";
        const parent = { parent: this };
        const groups = accessGroups(name, args, { partition, path }, parent);
        this.auditorsGroup = groups.auditors;
        this.reportersGroup = groups.reporters;
        // No aws.iam.AccessKey and no aws.iam.UserLoginProfile: humans sign in with a password an
        // administrator sets out of band and must enrol MFA; programs get keys outside Pulumi state.
        this.humanUsers = args.auditors.map((u) =>
            member(
                name,
                args,
                { userName: u, group: this.auditorsGroup, kind: "human", path },
                parent,
            ),
        );
        this.reporterUsers = args.reporters.map((u) =>
            member(
                name,
                args,
                { userName: u, group: this.reportersGroup, kind: "reporter", path },
                parent,
            ),
        );
        this.passwordPolicy = accountPasswordPolicy(name, args, parent);

        // From the names and path (components/arns.ts): known in a first preview, and each after its user.
        const arnOf = (u: aws.iam.User, userName: string) =>
            after(u, iamUserArn(partition, args.accountId, userName, path));
        this.humanArns = pulumi.all(this.humanUsers.map((u, i) => arnOf(u, args.auditors[i])));
        this.reporterArns = pulumi.all(
            this.reporterUsers.map((u, i) => arnOf(u, args.reporters[i])),
        );
        this.registerOutputs({
            auditorsGroup: this.auditorsGroup,
            reportersGroup: this.reportersGroup,
            humanUsers: this.humanUsers,
            reporterUsers: this.reporterUsers,
            passwordPolicy: this.passwordPolicy,
            humanArns: this.humanArns,
            reporterArns: this.reporterArns,
        });
    }
}
