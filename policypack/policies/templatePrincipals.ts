/**
 * The principals a CloudFormation template creates, for the whole-principal analysis
 * (iam-no-admin-principals): each variant of a StackSet's or stack's template (cfn.ts resolves
 * intrinsics, parameters and conditions) as the @pulumi/aws resources with the same IAM meaning,
 * in the stack instance's own account. A role's Policies, ManagedPolicyArns and
 * PermissionsBoundary; an AWS::IAM::Policy or ManagedPolicy attached through its
 * Roles/Users/Groups; users' Groups and UserToGroupAddition; the RolePolicy/UserPolicy/GroupPolicy
 * types; and functions that run as a template role. `Ref` and `Fn::GetAtt ... Arn` of a template
 * resource become the name or ARN CloudFormation gives it (a ManagedPolicy's Ref is its ARN), so
 * a PassRole on `!GetAtt Role.Arn` and a `!Ref Policy` attachment are matched as in a Pulumi stack.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-policy.html
 */
import { iamArn, PROBE_PARTITION } from "../iam/arn";
import { ModelResource } from "../model/resources";
import { OWN_ACCOUNT, resolveTemplateVariants, UNRESOLVED } from "./cfn";
import {
    generatedName,
    literalName,
    parseTemplateBody,
    stackSetParameters,
    TemplateReadError,
} from "./templates";
import { T } from "./types";

type Props = Record<string, unknown>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const names = (v: unknown): string[] =>
    list(v).filter((x): x is string => typeof x === "string" && x !== "");

/** What `Ref` and `Fn::GetAtt <id>.Arn` of a template resource return. */
interface Refs {
    readonly ref: string;
    readonly arn?: string;
}

function pathOf(p: Props): string {
    const path = typeof p.Path === "string" && p.Path !== "" ? p.Path : "/";
    return path.endsWith("/") ? path : `${path}/`;
}

/**
 * Ref/GetAtt values of the template's IAM resources. CloudFormation generates a physical name
 * when none is given; the logical id stands for it (unique within the template), except for a
 * role and a managed policy. A role's generated name is `<stack>-<id>-<suffix>`: standing for it
 * by its logical id would give a role with logical id BreakGlassRole and no RoleName the
 * break-glass exemption. A managed policy's ARN a pin may name literally. Their stand-ins match
 * no literal name, only a Ref or GetAtt.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 */
function refsOf(resources: Record<string, unknown>): Map<string, Refs> {
    const out = new Map<string, Refs>();
    for (const [id, r] of Object.entries(resources)) {
        const res = (r ?? {}) as { Type?: unknown; Properties?: Props };
        const p = res.Properties ?? {};
        const named = (prop: string, generated = id) =>
            typeof p[prop] === "string" ? (p[prop] as string) : generated;
        const arn = (kind: string, name: string) =>
            iamArn(PROBE_PARTITION, OWN_ACCOUNT, `${kind}${pathOf(p)}${name}`);
        switch (res.Type) {
            case "AWS::IAM::Role": {
                const name = named("RoleName", generatedName(id));
                out.set(id, { ref: name, arn: arn("role", name) });
                break;
            }
            case "AWS::IAM::User":
                out.set(id, { ref: named("UserName"), arn: arn("user", named("UserName")) });
                break;
            case "AWS::IAM::Group":
                out.set(id, { ref: named("GroupName"), arn: arn("group", named("GroupName")) });
                break;
            case "AWS::IAM::ManagedPolicy": {
                // Without ManagedPolicyName, CloudFormation names it `<stack>-<id>-<random>`: a
                // literal ARN such as policy/<id> names some other policy, only a !Ref matches it.
                // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html
                // A name CloudFormation computes per stack, or an empty one, is generated too.
                const name = literalName(p.ManagedPolicyName) ?? generatedName(id);
                const a = arn("policy", name);
                out.set(id, { ref: a, arn: a });
                break;
            }
            case "AWS::IAM::InstanceProfile":
                out.set(id, {
                    ref: named("InstanceProfileName"),
                    arn: arn("instance-profile", named("InstanceProfileName")),
                });
                break;
        }
    }
    return out;
}

const MARKER = new RegExp(`${UNRESOLVED}([A-Za-z0-9]+)(\\.Arn)?`, "g");

/** Replaces the unresolved markers of template resources' Ref and GetAtt Arn with their values. */
function substitute(v: unknown, refs: ReadonlyMap<string, Refs>): unknown {
    if (typeof v === "string")
        return v.includes(UNRESOLVED)
            ? v.replace(MARKER, (m, id: string, attr?: string) => {
                  const r = refs.get(id);
                  if (!r) return m;
                  return attr ? (r.arn ?? m) : r.ref;
              })
            : v;
    if (Array.isArray(v)) return v.map((x) => substitute(x, refs));
    if (v !== null && typeof v === "object")
        return Object.fromEntries(
            Object.entries(v as Props).map(([k, x]) => [k, substitute(x, refs)]),
        );
    return v;
}

const policiesOf = (p: Props) =>
    list(p.Policies).filter((x): x is Props => x !== null && typeof x === "object");

/** One template resource as the @pulumi/aws resources with the same principal facts. */
function mapResource(
    id: string,
    type: string,
    p: Props,
    refs: ReadonlyMap<string, Refs>,
): Array<{ suffix: string; type: string; props: Props }> {
    const one = (t: string, props: Props, suffix = "") => ({ suffix, type: t, props });
    const name = refs.get(id)?.ref ?? id;
    switch (type) {
        case "AWS::IAM::Role":
            return [
                one(T.Role, {
                    name,
                    path: p.Path,
                    assumeRolePolicy: p.AssumeRolePolicyDocument,
                    managedPolicyArns: names(p.ManagedPolicyArns),
                    permissionsBoundary: p.PermissionsBoundary,
                    inlinePolicies: policiesOf(p).map((x) => ({
                        name: x.PolicyName,
                        policy: x.PolicyDocument,
                    })),
                }),
            ];
        case "AWS::IAM::User":
            return [
                one(T.User, { name, path: p.Path, permissionsBoundary: p.PermissionsBoundary }),
                ...policiesOf(p).map((x, i) =>
                    one(
                        T.UserPolicy,
                        { user: name, name: x.PolicyName, policy: x.PolicyDocument },
                        `.Policies[${i}]`,
                    ),
                ),
                ...names(p.ManagedPolicyArns).map((arn, i) =>
                    one(
                        T.UserPolicyAttachment,
                        { user: name, policyArn: arn },
                        `.ManagedPolicyArns[${i}]`,
                    ),
                ),
                one(T.UserGroupMembership, { user: name, groups: names(p.Groups) }, ".Groups"),
            ];
        case "AWS::IAM::Group":
            return [
                one(T.Group, { name, path: p.Path }),
                ...policiesOf(p).map((x, i) =>
                    one(
                        T.GroupPolicy,
                        { group: name, name: x.PolicyName, policy: x.PolicyDocument },
                        `.Policies[${i}]`,
                    ),
                ),
                ...names(p.ManagedPolicyArns).map((arn, i) =>
                    one(
                        T.GroupPolicyAttachment,
                        { group: name, policyArn: arn },
                        `.ManagedPolicyArns[${i}]`,
                    ),
                ),
            ];
        // An AWS::IAM::Policy is an inline policy of each principal it names.
        case "AWS::IAM::Policy": {
            const policyName = p.PolicyName ?? id;
            return [
                ...names(p.Roles).map((role, i) =>
                    one(
                        T.RolePolicy,
                        { role, name: policyName, policy: p.PolicyDocument },
                        `.Roles[${i}]`,
                    ),
                ),
                ...names(p.Users).map((user, i) =>
                    one(
                        T.UserPolicy,
                        { user, name: policyName, policy: p.PolicyDocument },
                        `.Users[${i}]`,
                    ),
                ),
                ...names(p.Groups).map((group, i) =>
                    one(
                        T.GroupPolicy,
                        { group, name: policyName, policy: p.PolicyDocument },
                        `.Groups[${i}]`,
                    ),
                ),
            ];
        }
        case "AWS::IAM::ManagedPolicy": {
            const arn = refs.get(id)?.arn ?? "";
            const policyName = arn.split("/").pop() ?? id;
            const attach = (kind: "role" | "user" | "group", t: string, prop: string) =>
                names(p[prop]).map((who, i) =>
                    one(t, { [kind]: who, policyArn: arn }, `.${prop}[${i}]`),
                );
            return [
                one(T.Policy, { name: policyName, path: p.Path, policy: p.PolicyDocument }),
                ...attach("role", T.RolePolicyAttachment, "Roles"),
                ...attach("user", T.UserPolicyAttachment, "Users"),
                ...attach("group", T.GroupPolicyAttachment, "Groups"),
            ];
        }
        case "AWS::IAM::RolePolicy":
            return [
                one(T.RolePolicy, {
                    role: p.RoleName,
                    name: p.PolicyName ?? id,
                    policy: p.PolicyDocument,
                }),
            ];
        case "AWS::IAM::UserPolicy":
            return [
                one(T.UserPolicy, {
                    user: p.UserName,
                    name: p.PolicyName ?? id,
                    policy: p.PolicyDocument,
                }),
            ];
        case "AWS::IAM::GroupPolicy":
            return [
                one(T.GroupPolicy, {
                    group: p.GroupName,
                    name: p.PolicyName ?? id,
                    policy: p.PolicyDocument,
                }),
            ];
        case "AWS::IAM::UserToGroupAddition":
            return [one(T.GroupMembership, { group: p.GroupName, users: names(p.Users) })];
        // A function runs as its role: changing its code is running code as that role.
        case "AWS::Lambda::Function":
            return [one(T.LambdaFunction, { name: p.FunctionName ?? id, role: p.Role })];
        default:
            return [];
    }
}

/**
 * Each variant of the template of `carrier` (a StackSet or stack) as model resources of the stack
 * instance's account, named `<carrier>/<logical id>` and carrying the carrier's URN. A template
 * that cannot be read yields none (iam-policy-document-valid reports it).
 */
export function templatePrincipalVariants(carrier: ModelResource): ModelResource[][] {
    const raw = carrier.props.templateBody;
    if (raw === undefined || raw === null || raw === "") return [];
    let body: Props;
    try {
        body = parseTemplateBody(raw);
    } catch (e) {
        if (e instanceof TemplateReadError) return [];
        throw e;
    }
    const resources = body.Resources;
    if (resources === null || typeof resources !== "object" || Array.isArray(resources)) return [];
    const { variants } = resolveTemplateVariants(body, stackSetParameters(carrier.props));
    return variants.map((resolved) => {
        const refs = refsOf(resolved);
        const out: ModelResource[] = [];
        for (const [id, r] of Object.entries(resolved)) {
            const res = (r ?? {}) as { Type?: unknown; Properties?: unknown };
            if (typeof res.Type !== "string") continue;
            const p = substitute(res.Properties ?? {}, refs) as Props;
            for (const m of mapResource(id, res.Type, p, refs))
                out.push({
                    type: m.type,
                    name: `${carrier.name}/${id}${m.suffix}`,
                    urn: carrier.urn,
                    accountId: OWN_ACCOUNT,
                    props: m.props,
                });
        }
        return out;
    });
}
