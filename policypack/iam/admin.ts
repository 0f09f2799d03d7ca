/**
 * Admin equivalence of identity policies. Conditions are ignored on purpose: a condition never
 * makes an admin grant safe (it only decides when the admin power is usable). Deny statements are
 * ignored too: the question is what the Allow statements hand out.
 *
 * Admin-equivalent:
 * - every action on every resource (`*`, `*:*`);
 * - every IAM action (`iam:*`) on IAM resources;
 * - Allow + NotAction on all resources; Allow + NotResource with broad actions;
 * - IAM permission-management / privilege-escalation actions on other principals or any policy
 *   (policy versions, attach/put policies, permissions boundaries, trust-policy updates, access
 *   keys and login profiles of other users, group membership);
 * - iam:PassRole on any role together with an action that runs code under a passed role.
 * Privilege-escalation paths: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
 */
import { parseArn } from "./arn";
import { PolicyDocument, Statement } from "./document";
import { actionMatches, resourceMatches, statementMatchesAction } from "./evaluate";
import { globMatch, hasWildcard } from "./wildcard";

export type IamTarget = "policy" | "user" | "group" | "role";

export interface EscalationAction {
    readonly action: string;
    readonly target: IamTarget;
    readonly effect: string;
    /**
     * Managing one's own credentials (`user/${aws:username}`) is normal self-service; changing
     * one's own policies or boundaries is escalation. For the latter, policy variables count as
     * reaching the target.
     */
    readonly selfCounts: boolean;
}

export const IAM_ESCALATION_ACTIONS: readonly EscalationAction[] = [
    {
        action: "iam:CreatePolicyVersion",
        target: "policy",
        effect: "rewrite any customer-managed policy",
        selfCounts: true,
    },
    {
        action: "iam:SetDefaultPolicyVersion",
        target: "policy",
        effect: "switch a policy to another version",
        selfCounts: true,
    },
    {
        action: "iam:AttachUserPolicy",
        target: "user",
        effect: "attach any policy to users",
        selfCounts: true,
    },
    {
        action: "iam:AttachGroupPolicy",
        target: "group",
        effect: "attach any policy to groups",
        selfCounts: true,
    },
    {
        action: "iam:AttachRolePolicy",
        target: "role",
        effect: "attach any policy to roles",
        selfCounts: true,
    },
    {
        action: "iam:PutUserPolicy",
        target: "user",
        effect: "write inline policies on users",
        selfCounts: true,
    },
    {
        action: "iam:PutGroupPolicy",
        target: "group",
        effect: "write inline policies on groups",
        selfCounts: true,
    },
    {
        action: "iam:PutRolePolicy",
        target: "role",
        effect: "write inline policies on roles",
        selfCounts: true,
    },
    {
        action: "iam:PutUserPermissionsBoundary",
        target: "user",
        effect: "replace users' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:PutRolePermissionsBoundary",
        target: "role",
        effect: "replace roles' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:DeleteUserPermissionsBoundary",
        target: "user",
        effect: "remove users' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:DeleteRolePermissionsBoundary",
        target: "role",
        effect: "remove roles' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:UpdateAssumeRolePolicy",
        target: "role",
        effect: "rewrite role trust policies",
        selfCounts: true,
    },
    {
        action: "iam:CreateAccessKey",
        target: "user",
        effect: "create access keys for other users",
        selfCounts: false,
    },
    {
        action: "iam:CreateLoginProfile",
        target: "user",
        effect: "set console passwords for other users",
        selfCounts: false,
    },
    {
        action: "iam:UpdateLoginProfile",
        target: "user",
        effect: "reset other users' console passwords",
        selfCounts: false,
    },
    { action: "iam:AddUserToGroup", target: "group", effect: "join any group", selfCounts: true },
];

/** Actions that run code or infrastructure under a role passed with iam:PassRole. */
export const PASSROLE_COMPUTE_ACTIONS: readonly string[] = [
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "autoscaling:CreateLaunchConfiguration",
    "lambda:CreateFunction",
    "lambda:UpdateFunctionConfiguration",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:CreateService",
    "glue:CreateDevEndpoint",
    "glue:UpdateDevEndpoint",
    "glue:CreateJob",
    "glue:UpdateJob",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:CreateChangeSet",
    "datapipeline:CreatePipeline",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "codebuild:CreateProject",
    "codebuild:UpdateProject",
    "states:CreateStateMachine",
    "elasticbeanstalk:CreateEnvironment",
    "elasticmapreduce:RunJobFlow",
    "batch:RegisterJobDefinition",
    "apprunner:CreateService",
    "eks:CreateNodegroup",
];

const PROBE_ACCOUNT = "111111111111";

/**
 * A resource nobody named: if a statement's Resource matches it, the statement reaches arbitrary
 * resources of that type. Region, account and partition are taken from the pattern when literal,
 * so `arn:aws:iam::123456789012:role/*` is broad while `.../role/app-*` is not.
 */
/** A context in which every policy variable resolves to `value`. */
function anyVariable(value: string): ReadonlyMap<string, string> {
    return { get: () => value, has: () => true } as unknown as ReadonlyMap<string, string>;
}

function probeMatches(pattern: string, template: string, variablesReach = false): boolean {
    if (pattern === "*") return true;
    const p = parseArn(pattern);
    const t = parseArn(template)!;
    const lit = (s: string | undefined, dflt: string): string =>
        s !== undefined && !hasWildcard(s) && s !== "" ? s : dflt;
    const probe = p
        ? `arn:${lit(p.partition, t.partition)}:${t.service}:${t.region === "" ? "" : lit(p.region, t.region)}:${t.account === "" ? "" : lit(p.account, t.account)}:${t.resource}`
        : template;
    const name = t.resource.split("/").pop() ?? "";
    return resourceMatches(pattern, probe, variablesReach ? anyVariable(name) : new Map(), true);
}

/** Does the statement reach arbitrary resources like `template` (Resource/NotResource aside from conditions)? */
export function reachesArbitrary(s: Statement, template: string, variablesReach = false): boolean {
    if (s.notResource) return !s.notResource.some((p) => probeMatches(p, template));
    if (!s.resource) return true;
    return s.resource.some((p) => probeMatches(p, template, variablesReach));
}

export function iamProbeArn(target: IamTarget): string {
    return `arn:aws:iam::${PROBE_ACCOUNT}:${target}/zq9-any-${target}`;
}

/** Reaches resources of several services at once: `*`, `arn:aws:*:*:*:*`, NotResource... */
export function resourcesUnbounded(s: Statement): boolean {
    return (
        reachesArbitrary(s, iamProbeArn("role")) &&
        reachesArbitrary(s, "arn:aws:s3:::zq9-any-bucket")
    );
}

/** Can the statement's resources include any IAM user, role, group or policy? */
export function reachesIam(s: Statement): boolean {
    if (s.notResource || !s.resource) return true;
    return s.resource.some((p) => {
        if (p === "*") return true;
        const a = parseArn(p);
        return (
            a !== undefined &&
            globMatch(a.service, "iam") &&
            /^(\*|\?|user|role|group|policy)/.test(a.resource)
        );
    });
}

function coversEveryAction(pattern: string): boolean {
    return actionMatches(pattern, "zq9svc:Zq9Action") && actionMatches(pattern, "iam:PassRole");
}

function coversWholeService(pattern: string): boolean {
    const svc = pattern.split(":")[0];
    return actionMatches(pattern, `${hasWildcard(svc) ? "zq9svc" : svc}:Zq9AnyAction`);
}

export type AdminReason =
    | "full-access"
    | "iam-full-access"
    | "not-action"
    | "not-resource"
    | "escalation"
    | "passrole-compute";

export interface AdminFinding {
    readonly statement: Statement;
    readonly reason: AdminReason;
    /** One sentence: what the statement hands out. */
    readonly detail: string;
}

function allowsOn(s: Statement, action: string, template: string): boolean {
    return statementMatchesAction(s, action) && reachesArbitrary(s, template);
}

/** Statements granting iam:PassRole on arbitrary roles. */
export function passRoleStatements(doc: PolicyDocument): Statement[] {
    return doc.statements.filter(
        (s) => s.effect === "Allow" && allowsOn(s, "iam:PassRole", iamProbeArn("role")),
    );
}

/** Admin-equivalent grants of an identity policy, one finding per statement (the strongest reason). */
export function findAdminGrants(doc: PolicyDocument): AdminFinding[] {
    const cached = doc.memo.get("admin") as AdminFinding[] | undefined;
    if (cached) return cached;
    const out: AdminFinding[] = [];
    const allows = doc.statements.filter((s) => s.effect === "Allow");
    const computeActions = PASSROLE_COMPUTE_ACTIONS.filter((a) =>
        allows.some((s) => statementMatchesAction(s, a)),
    );
    for (const s of allows) {
        const unbounded = resourcesUnbounded(s);
        const actions = s.action ?? [];
        const iam = reachesIam(s);
        // `*` and `iam:*` include writing policies and trust policies of whatever IAM resource
        // they reach, so they are admin-equivalent on any IAM resource, not only on `*`.
        if (s.action && (unbounded || iam) && actions.some(coversEveryAction)) {
            out.push({
                statement: s,
                reason: "full-access",
                detail: `allows every action (${actions.filter(coversEveryAction).join(", ")}) on every resource`,
            });
            continue;
        }
        if (s.notAction && unbounded) {
            out.push({
                statement: s,
                reason: "not-action",
                detail: `allows every action except ${s.notAction.join(", ")} (NotAction) on every resource`,
            });
            continue;
        }
        const iamAll = actions.filter(
            (a) => actionMatches(a, "iam:Zq9AnyAction") && actionMatches(a, "iam:PutRolePolicy"),
        );
        if (iamAll.length && iam) {
            out.push({
                statement: s,
                reason: "iam-full-access",
                detail: `allows every IAM action (${iamAll.join(", ")}), which can grant any permission`,
            });
            continue;
        }
        if (s.notResource && (s.notAction || actions.some((a) => coversWholeService(a)))) {
            const what = s.notAction
                ? `every action except ${s.notAction.join(", ")}`
                : actions.filter(coversWholeService).join(", ");
            out.push({
                statement: s,
                reason: "not-resource",
                detail: `allows ${what} on every resource except ${s.notResource.join(", ")} (NotResource)`,
            });
            continue;
        }
        const esc = IAM_ESCALATION_ACTIONS.filter(
            (e) =>
                statementMatchesAction(s, e.action) &&
                reachesArbitrary(s, iamProbeArn(e.target), e.selfCounts),
        );
        if (esc.length) {
            out.push({
                statement: s,
                reason: "escalation",
                detail: `allows ${esc.map((e) => e.action).join(", ")} on arbitrary ${[...new Set(esc.map((e) => e.target))].join("/")} resources (${esc.map((e) => e.effect).join("; ")})`,
            });
            continue;
        }
        if (computeActions.length && allowsOn(s, "iam:PassRole", iamProbeArn("role"))) {
            out.push({
                statement: s,
                reason: "passrole-compute",
                detail: `allows iam:PassRole on any role while the policy also allows ${computeActions.slice(0, 4).join(", ")}${computeActions.length > 4 ? ", ..." : ""}: code can run as any role, including an admin one`,
            });
        }
    }
    doc.memo.set("admin", out);
    return out;
}

/** Single actions that let a caller run code as, or take over, someone else's role. */
export interface SingleActionEscalation {
    readonly action: string;
    /** A resource ARN nobody named; reaching it means reaching arbitrary resources of the type. */
    readonly probe: string;
    readonly effect: string;
}

export const SINGLE_ACTION_ESCALATIONS: readonly SingleActionEscalation[] = [
    {
        action: "lambda:UpdateFunctionCode",
        probe: "arn:aws:lambda:us-east-1:111111111111:function:zq9",
        effect: "run code as any function's role",
    },
    {
        action: "lambda:UpdateFunctionConfiguration",
        probe: "arn:aws:lambda:us-east-1:111111111111:function:zq9",
        effect: "add layers or change the role of any function",
    },
    {
        action: "glue:UpdateDevEndpoint",
        probe: "arn:aws:glue:us-east-1:111111111111:devEndpoint/zq9",
        effect: "log in to any Glue endpoint and use its role",
    },
    {
        action: "ssm:SendCommand",
        probe: "arn:aws:ec2:us-east-1:111111111111:instance/i-zq9",
        effect: "run commands as any instance's role",
    },
    {
        action: "ssm:StartSession",
        probe: "arn:aws:ec2:us-east-1:111111111111:instance/i-zq9",
        effect: "open a shell on any instance",
    },
    {
        action: "ec2-instance-connect:SendSSHPublicKey",
        probe: "arn:aws:ec2:us-east-1:111111111111:instance/i-zq9",
        effect: "SSH into any instance",
    },
    {
        action: "ec2:ModifyInstanceAttribute",
        probe: "arn:aws:ec2:us-east-1:111111111111:instance/i-zq9",
        effect: "replace user data of any instance",
    },
    {
        action: "ecs:ExecuteCommand",
        probe: "arn:aws:ecs:us-east-1:111111111111:task/zq9/zq9",
        effect: "open a shell in any task",
    },
    {
        action: "codebuild:StartBuild",
        probe: "arn:aws:codebuild:us-east-1:111111111111:project/zq9",
        effect: "run any build project with an overridden buildspec",
    },
    {
        action: "codebuild:StartBuildBatch",
        probe: "arn:aws:codebuild:us-east-1:111111111111:project/zq9",
        effect: "run any build project with an overridden buildspec",
    },
    {
        action: "cloudformation:UpdateStack",
        probe: "arn:aws:cloudformation:us-east-1:111111111111:stack/zq9/zq9",
        effect: "act through any stack's service role",
    },
    {
        action: "cloudformation:CreateChangeSet",
        probe: "arn:aws:cloudformation:us-east-1:111111111111:stack/zq9/zq9",
        effect: "act through any stack's service role",
    },
    {
        action: "sagemaker:CreatePresignedNotebookInstanceUrl",
        probe: "arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/zq9",
        effect: "open any notebook and use its role",
    },
    {
        action: "sts:AssumeRole",
        probe: "arn:aws:iam::111111111111:role/zq9",
        effect: "assume every role that trusts this account",
    },
];

export interface EscalationFinding {
    readonly statement: Statement;
    readonly actions: readonly SingleActionEscalation[];
}

/** Allow statements granting single-action escalations on arbitrary resources (conditions ignored). */
export function findSingleActionEscalations(
    doc: PolicyDocument,
    actions: readonly string[],
): EscalationFinding[] {
    const wanted = SINGLE_ACTION_ESCALATIONS.filter((e) =>
        actions.some((a) => a.toLowerCase() === e.action.toLowerCase()),
    );
    const extra = actions
        .filter(
            (a) =>
                !SINGLE_ACTION_ESCALATIONS.some((e) => e.action.toLowerCase() === a.toLowerCase()),
        )
        .map((a) => ({ action: a, probe: "*", effect: "configured as an escalation" }));
    const out: EscalationFinding[] = [];
    for (const s of doc.statements) {
        if (s.effect !== "Allow") continue;
        const hits = [...wanted, ...extra].filter(
            (e) =>
                statementMatchesAction(s, e.action) &&
                (e.probe === "*" ? resourcesUnbounded(s) : reachesArbitrary(s, e.probe)),
        );
        if (hits.length) out.push({ statement: s, actions: hits });
    }
    return out;
}
