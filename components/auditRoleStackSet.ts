import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../config/errors";
import {
    AUDIT_MAX_SESSION_SECONDS,
    AuditManagedPolicy,
    auditDenyPolicy,
    auditTrustPolicy,
    managedPolicyArn,
    peopleTrust,
    ProgrammaticPrincipal,
    trustProblems,
} from "./auditRole";
import { AUDIT_ROLE_STACK_SET_TYPE } from "../policypack/componentTypes";

export interface AuditRoleTemplateArgs {
    readonly trustedAccountId: string;
    readonly roleName: string;
    readonly path: string;
    readonly mfaMaxAgeSeconds: number;
    readonly managedPolicies: readonly AuditManagedPolicy[];
    readonly partition: string;
    readonly tags: Record<string, string>;
}

/** Logical id of the role in the template. */
export const TEMPLATE_ROLE_ID = "SecurityAuditRole";

/**
 * CreateStackSet and UpdateStackSet accept a TemplateBody of at most 51,200 bytes (a larger
 * template must be uploaded to S3 and passed as TemplateURL).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 */
export const TEMPLATE_BODY_MAX_BYTES = 51200;

/**
 * The audit role as a CloudFormation template, built from the very functions the AuditRole
 * component uses (trust, explicit Deny, managed policies, session cap): one definition, two ways
 * to deploy it.
 */
export function auditRoleTemplate(
    humans: readonly string[],
    programs: readonly ProgrammaticPrincipal[],
    args: AuditRoleTemplateArgs,
): object {
    return {
        AWSTemplateFormatVersion: "2010-09-09",
        Description: `org-access: read-only audit role for designated principals of account ${args.trustedAccountId}`,
        Resources: {
            [TEMPLATE_ROLE_ID]: {
                Type: "AWS::IAM::Role",
                Properties: {
                    RoleName: args.roleName,
                    Path: args.path,
                    Description: `Read-only audit access for designated principals of account ${args.trustedAccountId}`,
                    AssumeRolePolicyDocument: auditTrustPolicy(
                        peopleTrust(
                            "the audit role's template",
                            {
                                partition: args.partition,
                                securityAccountId: args.trustedAccountId,
                                duty: "audit",
                                mfaMaxAgeSeconds: args.mfaMaxAgeSeconds,
                            },
                            humans,
                        ),
                        programs,
                    ),
                    MaxSessionDuration: AUDIT_MAX_SESSION_SECONDS,
                    ManagedPolicyArns: args.managedPolicies.map((p) =>
                        managedPolicyArn(args.partition, p),
                    ),
                    Policies: [
                        {
                            PolicyName: "org-access-explicit-deny",
                            PolicyDocument: auditDenyPolicy(),
                        },
                    ],
                    Tags: Object.entries(args.tags).map(([Key, Value]) => ({ Key, Value })),
                },
            },
        },
        Outputs: { RoleArn: { Value: { "Fn::GetAtt": [TEMPLATE_ROLE_ID, "Arn"] } } },
    };
}

/**
 * The template as the TemplateBody the StackSet sends, refused here, at plan time, rather than by
 * CloudFormation at deploy time when it is larger than the API accepts.
 */
export function auditRoleTemplateBody(
    humans: readonly string[],
    programs: readonly ProgrammaticPrincipal[],
    args: AuditRoleTemplateArgs,
): string {
    const body = JSON.stringify(auditRoleTemplate(humans, programs, args));
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > TEMPLATE_BODY_MAX_BYTES)
        throw new InputError(
            `the audit role's CloudFormation template is ${bytes} bytes; CloudFormation accepts a TemplateBody of at most ${TEMPLATE_BODY_MAX_BYTES} (designate fewer principals per stack)`,
        );
    return body;
}

export interface AuditRoleStackSetArgs extends AuditRoleTemplateArgs {
    /** Exact ARNs of the humans who may assume the role; they must use MFA. */
    readonly humanPrincipalArns: pulumi.Input<readonly string[]>;
    /** Programs that may assume the role with their ExternalId. */
    readonly programmaticPrincipals: pulumi.Input<readonly ProgrammaticPrincipal[]>;
    /** StackSet name. */
    readonly stackSetName: string;
    /** OUs or root whose accounts, present and future, get the role. */
    readonly organizationalUnitIds: readonly string[];
    /** Regions for the stack instances (IAM is global; one is enough). */
    readonly regions: readonly string[];
    /** SELF (management account) or DELEGATED_ADMIN. */
    readonly callAs: "SELF" | "DELEGATED_ADMIN";
}

/**
 * The audit role for organizations that outgrow one stack: a service-managed StackSet that
 * CloudFormation deploys to every account of the named OUs, including accounts that join later.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export class AuditRoleStackSet extends pulumi.ComponentResource {
    public readonly stackSet: aws.cloudformation.StackSet;
    public readonly instances: aws.cloudformation.StackSetInstance[];

    constructor(name: string, args: AuditRoleStackSetArgs, opts: pulumi.ComponentResourceOptions) {
        if (!opts.provider)
            throw new Error(
                `AuditRoleStackSet ${name}: a provider for the StackSet's administrator account is required`,
            );
        super(AUDIT_ROLE_STACK_SET_TYPE, name, {}, opts);
        const template = pulumi
            .all([args.humanPrincipalArns, args.programmaticPrincipals])
            .apply(([humans, programs]) => {
                const problems = trustProblems(args.trustedAccountId, humans, programs);
                if (problems.length > 0)
                    throw new InputError(
                        `AuditRoleStackSet ${name}: refusing to create a trust policy:\n* ${problems.join("\n* ")}`,
                    );
                return auditRoleTemplateBody(humans, programs, args);
            });
        this.stackSet = new aws.cloudformation.StackSet(
            `${name}-stackset`,
            {
                name: args.stackSetName,
                description:
                    "org-access: the read-only SecurityAuditRole in every account of the target OUs",
                permissionModel: "SERVICE_MANAGED",
                // Accounts that join a target OU get the role; accounts that leave lose it.
                autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
                callAs: args.callAs,
                capabilities: ["CAPABILITY_NAMED_IAM"],
                managedExecution: { active: true },
                templateBody: template,
                tags: args.tags,
            },
            { parent: this },
        );
        this.instances = args.regions.map(
            (region) =>
                new aws.cloudformation.StackSetInstance(
                    `${name}-${region}`,
                    {
                        stackSetName: this.stackSet.name,
                        callAs: args.callAs,
                        stackSetInstanceRegion: region,
                        deploymentTargets: {
                            organizationalUnitIds: [...args.organizationalUnitIds],
                        },
                        // Deleting the instance keeps each account's role stack (DeleteStackInstances
                        // with RetainStacks), detached from the StackSet, rather than deleting the
                        // audit role in every account of the OUs; the provider's default is false
                        // (terraform-provider-aws stack_set_instance.go, `retain_stack`). It must be
                        // in the state before a delete to count, so it is set from the start.
                        // Removing an OU on purpose therefore leaves its roles: README, "Names that
                        // never move".
                        retainStack: true,
                        operationPreferences: {
                            failureToleranceCount: 0,
                            maxConcurrentPercentage: 25,
                        },
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({ stackSet: this.stackSet, instances: this.instances });
    }
}
