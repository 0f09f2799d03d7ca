/**
 * IAM inside CloudFormation templates. A StackSet (or a stack) deploys the resources of its
 * `templateBody`, so the pack checks them with the same rules as native resources: each IAM,
 * S3, KMS, SNS, SQS and Lambda resource of the template is mapped to the props of the matching
 * @pulumi/aws resource and passed through every resource policy's own validations.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
 */
import {
    Policies,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
} from "@pulumi/policy";
import { isTypeOf, T } from "./types";
import { TypedValidation } from "./common";
import { iamArn, PROBE_PARTITION } from "../iam/arn";
import {
    OWN_ACCOUNT,
    parseYamlTemplate,
    resolveTemplateVariants,
    UNRESOLVED,
    YamlTemplateError,
} from "./cfn";

/** Resource types whose props carry a CloudFormation template body. */
export const TEMPLATE_TYPES: readonly string[] = [
    "aws:cloudformation/stackSet:StackSet",
    "aws:cloudformation/stack:Stack",
];

/** A template resource, seen as the @pulumi/aws resource it corresponds to. */
export interface EmbeddedResource {
    readonly logicalId: string;
    readonly type: string;
    readonly props: Record<string, unknown>;
}

type CfnProps = Record<string, unknown>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * A template resource's IAM name when the template gives it literally, else undefined. Without a
 * RoleName (or with one CloudFormation computes per stack, such as `${AWS::StackName}-admin`),
 * CloudFormation generates the name from the stack's name, the logical id and a random suffix, so
 * the logical id is never the role's name: a role with logical id BreakGlassRole and no RoleName
 * is not the break-glass role, which the guardrails and the alarms know by its exact name.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 */
export function literalName(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" && !v.includes(UNRESOLVED) ? v : undefined;
}

/**
 * What stands for the name CloudFormation generates for a template resource without a literal
 * one (`<stack>-<logical id>-<suffix>`): unique in the template, and matched by no literal name or
 * ARN a policy could hold, only by a Ref or GetAtt of the resource (or a wildcard).
 */
export function generatedName(logicalId: string): string {
    return `zq9-stack-${logicalId}-generated`;
}

/**
 * A `Ref` to a role or group of the template, as the name it gives: the literal RoleName or
 * GroupName (a break-glass role is one only by a literal RoleName), else the stand-in of a
 * generated name. Any other value is returned as it is.
 */
function refName(v: unknown, resources: Record<string, unknown>): unknown {
    const m = typeof v === "string" ? new RegExp(`^${UNRESOLVED}([A-Za-z0-9]+)$`).exec(v) : null;
    const r = m
        ? (resources[m[1]] as { Type?: unknown; Properties?: CfnProps } | undefined)
        : undefined;
    if (!m || !r) return v;
    const p = r.Properties ?? {};
    if (r.Type === "AWS::IAM::Role") return literalName(p.RoleName) ?? generatedName(m[1]);
    if (r.Type === "AWS::IAM::Group") return literalName(p.GroupName) ?? generatedName(m[1]);
    return v;
}
const policiesOf = (p: CfnProps) =>
    list(p.Policies) as { PolicyName?: unknown; PolicyDocument?: unknown }[];
const tagsOf = (p: CfnProps) =>
    Object.fromEntries(
        (list(p.Tags) as { Key?: unknown; Value?: unknown }[])
            .filter((t) => typeof t?.Key === "string")
            .map((t) => [t.Key as string, t.Value]),
    );

/** Maps one template resource to the @pulumi/aws resources with the same IAM meaning. */
function mapResource(
    logicalId: string,
    type: string,
    p: CfnProps,
    refName: (v: unknown) => unknown = (v) => v,
): EmbeddedResource[] {
    const one = (t: string, props: Record<string, unknown>, suffix = ""): EmbeddedResource => ({
        logicalId: `${logicalId}${suffix}`,
        type: t,
        props,
    });
    switch (type) {
        case "AWS::IAM::Role":
            return [
                one(T.Role, {
                    // No literal name: none (the message names the logical id), never the id.
                    name: literalName(p.RoleName),
                    path: p.Path,
                    assumeRolePolicy: p.AssumeRolePolicyDocument,
                    maxSessionDuration: p.MaxSessionDuration,
                    managedPolicyArns: p.ManagedPolicyArns,
                    permissionsBoundary: p.PermissionsBoundary,
                    inlinePolicies: policiesOf(p).map((x) => ({
                        name: x.PolicyName,
                        policy: x.PolicyDocument,
                    })),
                    tags: tagsOf(p),
                }),
            ];
        // An inline policy of each role, user or group it names: never a customer-managed policy,
        // so never one of breakGlassPolicies (whose attachments are what this policy checks), and
        // its T.Policy has no name that could match one.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-policy.html
        case "AWS::IAM::Policy": {
            const users = list(p.Users).map(String);
            const name = p.PolicyName ?? logicalId;
            return [
                one(T.Policy, { policy: p.PolicyDocument }),
                // A policy attached straight to users breaks "permissions only through groups".
                ...users.map((user, i) =>
                    one(T.UserPolicy, { user, name, policy: p.PolicyDocument }, `.Users[${i}]`),
                ),
            ];
        }
        case "AWS::IAM::ManagedPolicy": {
            // Without a literal ManagedPolicyName CloudFormation names the policy after the stack,
            // never by its logical id: no name, so breakGlassPolicies never matches the id (the
            // message names the logical id), and only a Ref names its ARN.
            // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html
            const literal = literalName(p.ManagedPolicyName);
            const path = typeof p.Path === "string" ? p.Path : "/";
            const arn = iamArn(
                PROBE_PARTITION,
                OWN_ACCOUNT,
                `policy${path}${literal ?? generatedName(logicalId)}`,
            );
            const users = list(p.Users).map(String);
            const name = p.ManagedPolicyName ?? logicalId;
            // Its Roles and Groups attach it, as the @pulumi/aws attachments do: a break-glass
            // policy attached to anything but a break-glass role is flagged there.
            const attach = (kind: "role" | "group", t: string, prop: string) =>
                list(p[prop]).map((who, i) =>
                    one(t, { [kind]: refName(who), policyArn: arn }, `.${prop}[${i}]`),
                );
            return [
                one(T.Policy, { name: literal, policy: p.PolicyDocument }),
                // A policy attached straight to users breaks "permissions only through groups".
                ...users.map((user, i) =>
                    one(T.UserPolicy, { user, name, policy: p.PolicyDocument }, `.Users[${i}]`),
                ),
                ...attach("role", T.RolePolicyAttachment, "Roles"),
                ...attach("group", T.GroupPolicyAttachment, "Groups"),
            ];
        }
        case "AWS::IAM::User": {
            const user = p.UserName ?? logicalId;
            return [
                one(T.User, { name: user, path: p.Path, tags: tagsOf(p) }),
                ...policiesOf(p).map((x, i) =>
                    one(
                        T.UserPolicy,
                        { user, name: x.PolicyName, policy: x.PolicyDocument },
                        `.Policies[${i}]`,
                    ),
                ),
                ...list(p.ManagedPolicyArns).map((arn, i) =>
                    one(
                        T.UserPolicyAttachment,
                        { user, policyArn: arn },
                        `.ManagedPolicyArns[${i}]`,
                    ),
                ),
                ...(p.LoginProfile ? [one(T.UserLoginProfile, { user }, ".LoginProfile")] : []),
            ];
        }
        case "AWS::IAM::Group": {
            const group = p.GroupName ?? logicalId;
            return [
                ...policiesOf(p).map((x, i) =>
                    one(
                        T.GroupPolicy,
                        { group, name: x.PolicyName, policy: x.PolicyDocument },
                        `.Policies[${i}]`,
                    ),
                ),
                ...list(p.ManagedPolicyArns).map((arn, i) =>
                    one(
                        T.GroupPolicyAttachment,
                        { group, policyArn: arn },
                        `.ManagedPolicyArns[${i}]`,
                    ),
                ),
            ];
        }
        case "AWS::IAM::AccessKey":
            return [one(T.AccessKey, { user: p.UserName })];
        case "AWS::S3::BucketPolicy":
            return [one(T.BucketPolicy, { bucket: p.Bucket, policy: p.PolicyDocument })];
        case "AWS::KMS::Key":
            return [
                one(T.Key, {
                    policy: p.KeyPolicy,
                    enableKeyRotation: p.EnableKeyRotation,
                    description: p.Description,
                }),
            ];
        case "AWS::SNS::TopicPolicy":
            return [one(T.TopicPolicy, { arn: list(p.Topics)[0], policy: p.PolicyDocument })];
        case "AWS::SQS::QueuePolicy":
            return [one(T.QueuePolicy, { queueUrl: list(p.Queues)[0], policy: p.PolicyDocument })];
        case "AWS::Lambda::Permission":
            return [
                one(T.LambdaPermission, {
                    action: p.Action,
                    function: p.FunctionName,
                    principal: p.Principal,
                    sourceArn: p.SourceArn,
                    sourceAccount: p.SourceAccount,
                    principalOrgId: p.PrincipalOrgID,
                    functionUrlAuthType: p.FunctionUrlAuthType,
                    eventSourceToken: p.EventSourceToken,
                }),
            ];
        // Grants written as properties (policies/grants.ts), as the @pulumi/aws resources that
        // hold the same properties.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-layerversionpermission.html
        case "AWS::Lambda::LayerVersionPermission":
            return [
                one(T.LayerVersionPermission, {
                    action: p.Action,
                    layerName: p.LayerVersionArn,
                    principal: p.Principal,
                    organizationId: p.OrganizationId,
                }),
            ];
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpointservicepermissions.html
        case "AWS::EC2::VPCEndpointServicePermissions":
            return list(p.AllowedPrincipals).map((principal, i) =>
                one(
                    T.VpcEndpointServiceAllowedPrinciple,
                    { vpcEndpointServiceId: p.ServiceId, principalArn: principal },
                    `.AllowedPrincipals[${i}]`,
                ),
            );
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ram-resourceshare.html
        case "AWS::RAM::ResourceShare":
            return [one(T.ResourceShareAssociationsExclusive, { principals: list(p.Principals) })];
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-signer-profilepermission.html
        case "AWS::Signer::ProfilePermission":
            return [
                one(T.SigningProfilePermission, {
                    action: p.Action,
                    principal: p.Principal,
                    profileName: p.ProfileName,
                    statementId: p.StatementId,
                }),
            ];
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-servicecatalog-portfolioshare.html
        case "AWS::ServiceCatalog::PortfolioShare":
            return [
                one(T.PortfolioShare, {
                    portfolioId: p.PortfolioId,
                    principalId: p.AccountId,
                    type: "ACCOUNT",
                }),
            ];
        // A whole statement (Statement) or one written as properties (Principal, Action,
        // Condition {Key, Type, Value}), as PutPermission takes them:
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html
        case "AWS::Events::EventBusPolicy": {
            if (p.Statement !== undefined)
                return [
                    one(T.EventBusPolicy, {
                        eventBusName: p.EventBusName,
                        policy: { Version: "2012-10-17", Statement: p.Statement },
                    }),
                ];
            const c = (p.Condition ?? undefined) as
                { Key?: unknown; Type?: unknown; Value?: unknown } | undefined;
            return [
                one(T.EventPermission, {
                    eventBusName: p.EventBusName,
                    statementId: p.StatementId,
                    principal: p.Principal,
                    action: p.Action,
                    ...(c ? { condition: { key: c.Key, type: c.Type, value: c.Value } } : {}),
                }),
            ];
        }
        default:
            return [];
    }
}

/** Thrown when a template body cannot be read; the message says why. */
export class TemplateReadError extends Error {}

/**
 * The IAM-relevant resources of a template body (JSON text or object), with intrinsic functions
 * resolved (cfn.ts) from `parameters`, the values the StackSet passes. When unknown conditions or
 * parameters give several variants, each distinct resource of each variant is returned.
 */
export function embeddedResources(
    templateBody: unknown,
    parameters: Readonly<Record<string, string>> = {},
): EmbeddedResource[] {
    return readTemplate(templateBody, parameters).resources;
}

/** A template's IAM-relevant resources, and what of it the pack does not check. */
export interface ReadTemplate {
    readonly resources: EmbeddedResource[];
    /** Sentences for policy-document-not-checked. */
    readonly notChecked: string[];
}

/**
 * A template body as an object: JSON text, YAML text (short forms included) or an object.
 * Throws TemplateReadError, saying why, when it is none of them.
 */
export function parseTemplateBody(templateBody: unknown): Record<string, unknown> {
    let body: unknown = templateBody;
    if (typeof templateBody === "string") {
        try {
            body = JSON.parse(templateBody);
        } catch {
            // Not JSON: a YAML template (CloudFormation accepts both), short forms included.
            try {
                body = parseYamlTemplate(templateBody);
            } catch (e) {
                if (!(e instanceof YamlTemplateError)) throw e;
                throw new TemplateReadError(
                    `templateBody is neither a JSON nor a YAML template (${e.message})`,
                );
            }
        }
    }
    if (body === null || typeof body !== "object" || Array.isArray(body))
        throw new TemplateReadError("templateBody must be a CloudFormation template object");
    return body as Record<string, unknown>;
}

/** As embeddedResources, with what is not checked (too many variants, unresolved statements). */
export function readTemplate(
    templateBody: unknown,
    parameters: Readonly<Record<string, string>> = {},
): ReadTemplate {
    const body = parseTemplateBody(templateBody);
    const resources = (body as { Resources?: unknown }).Resources;
    if (resources === undefined) return { resources: [], notChecked: [] };
    if (resources === null || typeof resources !== "object" || Array.isArray(resources))
        throw new TemplateReadError(
            "the template's Resources must be a map of logical ids to resources",
        );
    const out: EmbeddedResource[] = [];
    const seen = new Set<string>();
    const { variants, truncated, unresolved } = resolveTemplateVariants(
        body as Record<string, unknown>,
        parameters,
    );
    const notChecked = unresolved.map(
        (u) =>
            `${u} is not checked: the template leaves it to the stack instance, which may supply "*". Review it by hand, or give the value in the template or the StackSet's parameters.`,
    );
    if (truncated)
        notChecked.push(
            `has more combinations of unknown conditions and parameter values than the pack resolves (${variants.length}); the IAM resources of the others are not checked. Review them by hand, or pass the parameter values in the StackSet's parameters.`,
        );
    for (const resolved of variants) {
        for (const [logicalId, r] of Object.entries(resolved)) {
            const res = r as { Type?: unknown; Properties?: unknown };
            if (typeof res?.Type !== "string") continue;
            const props =
                res.Properties && typeof res.Properties === "object"
                    ? (res.Properties as CfnProps)
                    : {};
            for (const e of mapResource(logicalId, res.Type, props, (v) => refName(v, resolved))) {
                const key = JSON.stringify([e.logicalId, e.type, e.props]);
                if (seen.has(key)) continue;
                seen.add(key);
                out.push(e);
            }
        }
    }
    return { resources: out, notChecked };
}

/** The parameter values a StackSet or stack passes to its template (known strings only). */
export function stackSetParameters(props: unknown): Record<string, string> {
    const p = (props as { parameters?: unknown }).parameters;
    if (!p || typeof p !== "object") return {};
    return Object.fromEntries(
        Object.entries(p as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === "string",
        ),
    );
}

/** Raised by an embedded resource's `notApplicable`: that validation does not apply to it. */
class SkipEmbedded {}

/**
 * A policy's validations, extended to the resources inside templates. `reportUnreadable` makes
 * this policy the one that reports an unreadable template (once, not once per policy).
 */
export function withTemplates(
    policy: ResourceValidationPolicy,
    reportUnreadable: boolean,
    reportNotChecked = false,
): ResourceValidationPolicy {
    const validations = (
        Array.isArray(policy.validateResource)
            ? policy.validateResource
            : policy.validateResource
              ? [policy.validateResource]
              : []
    ) as TypedValidation[];
    const declared = validations.flatMap(
        (v) => v.__orgAccessTypes ?? (v.__pulumiType ? [v.__pulumiType] : []),
    );
    const expand: TypedValidation = (args: ResourceValidationArgs, report: ReportViolation) => {
        if (!TEMPLATE_TYPES.includes(args.type)) return undefined;
        // Reading templateBody through the engine's proxy throws UnknownValueError at preview when
        // the body is not known yet; that error is left to reach the engine.
        const body = (args.props as { templateBody?: unknown }).templateBody;
        if (body === undefined) return undefined;
        let embedded: EmbeddedResource[];
        try {
            const read = readTemplate(body, stackSetParameters(args.props));
            embedded = read.resources;
            if (reportNotChecked)
                for (const n of read.notChecked) report(`in the template of ${args.name}: ${n}`);
        } catch (e) {
            if (!(e instanceof TemplateReadError)) throw e;
            if (reportUnreadable) report(`${e.message}.`);
            return undefined;
        }
        for (const r of embedded) {
            const inner: ResourceValidationArgs = {
                ...args,
                type: r.type,
                props: r.props,
                name: `${args.name}/${r.logicalId}`,
                isType: (cls) => isTypeOf(r.type, cls),
                asType: ((cls: unknown) =>
                    isTypeOf(r.type, cls)
                        ? r.props
                        : undefined) as ResourceValidationArgs["asType"],
                notApplicable: () => {
                    throw new SkipEmbedded();
                },
            };
            const innerReport: ReportViolation = (message, urn) =>
                report(`in the template of ${args.name}, resource ${r.logicalId}: ${message}`, urn);
            for (const v of validations) {
                try {
                    v(inner, innerReport);
                } catch (e) {
                    if (!(e instanceof SkipEmbedded)) throw e;
                }
            }
        }
        return undefined;
    };
    expand.__orgAccessTypes = TEMPLATE_TYPES;
    const combined: TypedValidation = (args, report) =>
        TEMPLATE_TYPES.includes(args.type)
            ? expand(args, report)
            : runAll(validations, args, report);
    combined.__orgAccessTypes = [...declared, ...TEMPLATE_TYPES];
    return { ...policy, validateResource: combined as ResourceValidation };
}

function runAll(
    validations: readonly ResourceValidation[],
    args: ResourceValidationArgs,
    report: ReportViolation,
): void {
    for (const v of validations) v(args, report);
}

/**
 * Every resource policy of a pack, extended to templates; `reporter` names the policy that reports
 * unreadable templates, `notCheckedReporter` the one that names what of a template is not checked.
 */
export function extendToTemplates(
    policies: Policies,
    reporter: string,
    notCheckedReporter?: string,
): Policies {
    return policies.map((p) =>
        "validateResource" in p && p.validateResource
            ? withTemplates(
                  p as ResourceValidationPolicy,
                  p.name === reporter,
                  p.name === notCheckedReporter,
              )
            : p,
    );
}
