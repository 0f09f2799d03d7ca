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
import { DutyKind, dutyRoleDefinition, dutyTrust } from "./dutyRoles";
import { BREAK_GLASS_ROLE, INCIDENT_RESPONSE_ROLE } from "../config/schema";
import {
    AUDIT_ROLE_STACK_SET_TYPE,
    BREAK_GLASS_ROLE_TYPE,
    INCIDENT_RESPONSE_ROLE_TYPE,
} from "../policypack/componentTypes";
import { requireProvider } from "./componentOptions";

export interface AuditRoleTemplateArgs {
    readonly trustedAccountId: string;
    readonly roleName: string;
    readonly path: string;
    readonly mfaMaxAgeSeconds: number;
    readonly managedPolicies: readonly AuditManagedPolicy[];
    readonly partition: string;
    readonly tags: Record<string, string>;
    /**
     * Roles the IncidentResponseRole must never quarantine in any account of the OUs: the deploy
     * roles of the listed accounts. Default `OrganizationAccountAccessRole`.
     */
    readonly deployRoleNames?: readonly string[];
}

/**
 * Who may assume each duty role the template holds, by duty; a duty that is absent has no role
 * in the template (and a StackSet update deletes it from every stack that had it).
 */
export type TemplateDutyPrincipals = Partial<Record<DutyKind, readonly string[]>>;

/** Logical id of the role in the template. */
export const TEMPLATE_ROLE_ID = "SecurityAuditRole";

/**
 * Logical ids of the duty roles in the template. CloudFormation identifies a stack's resources by
 * logical id: a renamed id is a new resource (created) and an old one gone (deleted), so these,
 * like TEMPLATE_ROLE_ID, never change. The ids equal the role names, which are fixed too.
 */
export const TEMPLATE_DUTY_ROLE_IDS: Readonly<Record<DutyKind, string>> = {
    IncidentResponseRole: "IncidentResponseRole",
    BreakGlassRole: "BreakGlassRole",
};

/**
 * The duty roles of the template, recognised as the roles of their provider-mode components: a
 * template role counts as a BreakGlassRole (admin by design, for the break-glass users alone) or
 * an IncidentResponseRole only when it is the resource this component writes: this logical id,
 * with this RoleName, in the template of an AuditRoleStackSet (evidence/model.ts). Every other
 * role of the template is judged as the StackSet's own, the audit role.
 */
export const TEMPLATE_DUTY_ROLES: readonly {
    readonly logicalId: string;
    readonly roleName: string;
    readonly componentType: string;
}[] = [
    {
        logicalId: TEMPLATE_DUTY_ROLE_IDS.IncidentResponseRole,
        roleName: INCIDENT_RESPONSE_ROLE,
        componentType: INCIDENT_RESPONSE_ROLE_TYPE,
    },
    {
        logicalId: TEMPLATE_DUTY_ROLE_IDS.BreakGlassRole,
        roleName: BREAK_GLASS_ROLE,
        componentType: BREAK_GLASS_ROLE_TYPE,
    },
];

/**
 * CreateStackSet and UpdateStackSet accept a TemplateBody of at most 51,200 bytes (a larger
 * template must be uploaded to S3 and passed as TemplateURL).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackSet.html
 */
export const TEMPLATE_BODY_MAX_BYTES = 51200;

/** One duty role as a template resource, from the definition the provider-mode component uses. */
function dutyTemplateRole(
    kind: DutyKind,
    principals: readonly string[],
    args: AuditRoleTemplateArgs,
): object {
    const def = dutyRoleDefinition(kind, {
        trustedAccountId: args.trustedAccountId,
        partition: args.partition,
        tags: args.tags,
        deployRoleNames: args.deployRoleNames,
    });
    return {
        Type: "AWS::IAM::Role",
        Properties: {
            RoleName: def.roleName,
            Path: def.path,
            Description: def.description,
            AssumeRolePolicyDocument: dutyTrust(
                `${kind} (StackSet template)`,
                args.trustedAccountId,
                principals,
                def,
            ),
            MaxSessionDuration: def.maxSessionDuration,
            ManagedPolicyArns: def.managedPolicies.map((m) => m.arn),
            ...(def.inlinePolicies.length > 0
                ? {
                      Policies: def.inlinePolicies.map((p) => ({
                          PolicyName: p.name,
                          PolicyDocument: p.document,
                      })),
                  }
                : {}),
            Tags: Object.entries(def.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
        },
    };
}

/**
 * The audit role as a CloudFormation template, built from the very functions the AuditRole
 * component uses (trust, explicit Deny, managed policies, session cap): one definition, two ways
 * to deploy it. With `duties`, the duty roles too, each from the definition of its provider-mode
 * component (components/dutyRoles.ts). Without duties the template is exactly the audit role's,
 * as before duties existed: adding or removing a duty changes the template, never the audit
 * role's resource.
 */
export function auditRoleTemplate(
    humans: readonly string[],
    programs: readonly ProgrammaticPrincipal[],
    args: AuditRoleTemplateArgs,
    duties: TemplateDutyPrincipals = {},
): object {
    const kinds = (Object.keys(TEMPLATE_DUTY_ROLE_IDS) as DutyKind[]).filter(
        (k) => duties[k] !== undefined,
    );
    const id = (k: DutyKind) => TEMPLATE_DUTY_ROLE_IDS[k];
    return {
        AWSTemplateFormatVersion: "2010-09-09",
        Description: `org-access: read-only audit role${kinds.length > 0 ? ` and ${kinds.join(", ")}` : ""} for designated principals of account ${args.trustedAccountId}`,
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
            ...Object.fromEntries(
                kinds.map((k) => [id(k), dutyTemplateRole(k, duties[k] ?? [], args)]),
            ),
        },
        Outputs: {
            RoleArn: { Value: { "Fn::GetAtt": [TEMPLATE_ROLE_ID, "Arn"] } },
            ...Object.fromEntries(
                kinds.map((k) => [`${id(k)}Arn`, { Value: { "Fn::GetAtt": [id(k), "Arn"] } }]),
            ),
        },
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
    duties: TemplateDutyPrincipals = {},
): string {
    const body = JSON.stringify(auditRoleTemplate(humans, programs, args, duties));
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > TEMPLATE_BODY_MAX_BYTES)
        throw new InputError(
            `the audit role's CloudFormation template${Object.keys(duties).length > 0 ? " (with its duty roles)" : ""} is ${bytes} bytes; CloudFormation accepts a TemplateBody of at most ${TEMPLATE_BODY_MAX_BYTES} (designate fewer principals per stack)`,
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
    /**
     * The incident responders, when the template holds the IncidentResponseRole (every account
     * of the OUs gets it); absent, it holds none.
     */
    readonly incidentResponderArns?: pulumi.Input<readonly string[]>;
    /** The break-glass users, when the template holds the BreakGlassRole; absent, it holds none. */
    readonly breakGlassArns?: pulumi.Input<readonly string[]>;
}

/**
 * The audit role for organizations that outgrow one stack: a service-managed StackSet that
 * CloudFormation deploys to every account of the named OUs, including accounts that join later,
 * with the duty roles the StackSet enables. One StackSet, not one per duty: a duty switched off
 * leaves the template and CloudFormation deletes its role in every stack (a resource removed from
 * a template is deleted unless its DeletionPolicy retains it), whereas a duty StackSet's retained
 * instances (retainStack, below) would leave an admin role behind in every account.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 */
export class AuditRoleStackSet extends pulumi.ComponentResource {
    public readonly stackSet: aws.cloudformation.StackSet;
    public readonly instances: aws.cloudformation.StackSetInstance[];

    constructor(name: string, args: AuditRoleStackSetArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(
            opts,
            `AuditRoleStackSet ${name}`,
            "a provider for the StackSet's administrator account",
        );
        super(AUDIT_ROLE_STACK_SET_TYPE, name, {}, opts);
        const duties: DutyKind[] = [
            ...(args.incidentResponderArns !== undefined ? ["IncidentResponseRole" as const] : []),
            ...(args.breakGlassArns !== undefined ? ["BreakGlassRole" as const] : []),
        ];
        const template = pulumi
            .all([
                args.humanPrincipalArns,
                args.programmaticPrincipals,
                args.incidentResponderArns ?? [],
                args.breakGlassArns ?? [],
            ])
            .apply(([humans, programs, responders, breakGlass]) => {
                const problems = trustProblems(args.trustedAccountId, humans, programs);
                if (problems.length > 0)
                    throw new InputError(
                        `AuditRoleStackSet ${name}: refusing to create a trust policy:\n* ${problems.join("\n* ")}`,
                    );
                const principals: Record<DutyKind, readonly string[]> = {
                    IncidentResponseRole: responders,
                    BreakGlassRole: breakGlass,
                };
                return auditRoleTemplateBody(
                    humans,
                    programs,
                    args,
                    Object.fromEntries(duties.map((k) => [k, principals[k]])),
                );
            });
        this.stackSet = new aws.cloudformation.StackSet(
            `${name}-stackset`,
            {
                name: args.stackSetName,
                description: `org-access: the read-only SecurityAuditRole${duties.length > 0 ? ` and the ${duties.join(", ")}` : ""} in every account of the target OUs`,
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
                        // Removing an OU on purpose therefore leaves its roles: docs/accounts.md,
                        // "Names that never move".
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
