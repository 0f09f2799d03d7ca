import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { after, iamUserArn } from "./arns";
import {
    denyWithoutMfaPolicy,
    mfaSelfServicePolicy,
    signInLocalDevelopmentPolicyArn,
} from "./securityAccess";
import { assumeInOrganizationStatement, Duty, DUTY_TAG, PRINCIPAL_TYPE_TAG } from "./orgGrants";
import { DUTY_GROUP_TYPE } from "../policypack/componentTypes";
import { requireProvider } from "./componentOptions";

/**
 * `sts:AssumeRole` on the duty roles' path and name in any account of the organization
 * (components/orgGrants.ts), only with present and recent MFA.
 */
export function assumeDutyRolesPolicy(
    sid: string,
    roleArns: readonly string[],
    organizationId: string,
    mfaMaxAgeSeconds: number,
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            assumeInOrganizationStatement({
                sid,
                what: "assumeDutyRolesPolicy",
                roleArns,
                organizationId,
                mfaMaxAgeSeconds,
            }),
        ],
    };
}

export interface DutyGroupArgs {
    /** The security account; scopes the MFA self-service statements. */
    readonly accountId: string;
    /** IAM group name, e.g. `org-access-break-glass`. */
    readonly groupName: string;
    /**
     * The duty, for resource names and the users' `Kind` and `org-access:duty` tags (the duty
     * roles' trust designates the users by it).
     */
    readonly duty: Exclude<Duty, "audit">;
    /** IAM user names of the group's members: humans, with MFA and without access keys. */
    readonly users: readonly string[];
    /**
     * Exact ARNs of the roles the group may assume; may be empty while no account enables the
     * role. The grant covers their path and name in every account of `organizationId`.
     */
    readonly roleArns: readonly string[];
    /** The organization (`org-access:organizationId`) whose accounts' duty roles are granted. */
    readonly organizationId: string;
    /** Oldest MFA sign-in accepted to assume a role, in seconds. */
    readonly mfaMaxAgeSeconds: number;
    /** IAM path for the group, and for the users unless `userPath` is set. */
    readonly path: string;
    /**
     * IAM path of the users, if it differs from the group's: the break-glass users live under a
     * path of their own, so a trust policy can name all of them without listing them.
     */
    readonly userPath?: string;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Tags for the users. */
    readonly tags?: Record<string, string>;
}

/**
 * A group of people in the security account for one duty (incident response, break-glass): its
 * own IAM users, MFA enforced exactly as for the auditors, and `sts:AssumeRole` on exactly the
 * duty's roles. Users belong to one duty only (config validation), so no user is created twice.
 */
export class DutyGroup extends pulumi.ComponentResource {
    public readonly group: aws.iam.Group;
    public readonly users: aws.iam.User[];
    /** ARNs of the users, which the duty roles' trust policies name. */
    public readonly userArns: pulumi.Output<string[]>;

    constructor(name: string, args: DutyGroupArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `DutyGroup ${name}`, "a provider for the security account");
        super(DUTY_GROUP_TYPE, name, {}, opts);
        const partition = args.partition ?? "aws";
        const userPath = args.userPath ?? args.path;
        const parent = { parent: this };

        this.group = new aws.iam.Group(
            `${name}-group`,
            { name: args.groupName, path: args.path },
            parent,
        );
        const groupPolicy = (suffix: string, policyName: string, doc: aws.iam.PolicyDocument) =>
            new aws.iam.GroupPolicy(
                `${name}-${suffix}`,
                { group: this.group.name, name: policyName, policy: JSON.stringify(doc) },
                parent,
            );
        if (args.roleArns.length > 0) {
            groupPolicy(
                "assume",
                `assume-${args.duty}-roles-with-mfa`,
                assumeDutyRolesPolicy(
                    `Assume${args.duty.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}RolesWithMfa`,
                    args.roleArns,
                    args.organizationId,
                    args.mfaMaxAgeSeconds,
                ),
            );
        }
        groupPolicy(
            "mfa-self-service",
            "mfa-self-service",
            mfaSelfServicePolicy(partition, args.accountId, userPath),
        );
        groupPolicy("deny-without-mfa", "deny-without-mfa", denyWithoutMfaPolicy());
        // People without access keys reach the CLI only through `aws login` (as the auditors).
        new aws.iam.GroupPolicyAttachment(
            `${name}-aws-login`,
            { group: this.group.name, policyArn: signInLocalDevelopmentPolicyArn(partition) },
            parent,
        );

        // No access keys and no login profile here, as for the auditors: passwords are set out of band.
        this.users = args.users.map((userName) => {
            const user = new aws.iam.User(
                `${name}-${userName}`,
                {
                    name: userName,
                    path: userPath,
                    forceDestroy: false,
                    tags: {
                        ...args.tags,
                        Kind: args.duty,
                        [PRINCIPAL_TYPE_TAG]: "human",
                        [DUTY_TAG]: args.duty,
                    },
                },
                parent,
            );
            new aws.iam.UserGroupMembership(
                `${name}-${userName}-membership`,
                { user: user.name, groups: [this.group.name] },
                parent,
            );
            return user;
        });
        // From the names and path (components/arns.ts): known in a first preview, and each after its user.
        this.userArns = pulumi.all(
            this.users.map((u, i) =>
                after(u, iamUserArn(partition, args.accountId, args.users[i], userPath)),
            ),
        );
        this.registerOutputs({ group: this.group, users: this.users, userArns: this.userArns });
    }
}
