// Escalation edges: what a principal can do to other principals of its own account (IAM has no
// resource policies, so IAM writes reach only the caller's account), from the privilege data of
// policypack/iam/privileges.ts. Each edge is one request decided by authorize() with the caller's
// identity policies and the SCPs of its account.
// - rewriting a role's, user's or group's policies or boundary, or a customer-managed policy: the
//   caller can make that principal anything, so the edge hands out admin-equivalent power;
// - updating a role's trust policy: the caller can let itself in;
// - creating access keys or a login profile for another user: the caller becomes that user, with
//   long-term credentials (no MFA);
// - joining a group: the caller gains the group's policies;
// - iam:PassRole to a service role together with an action that runs code as the passed role;
// - the single actions that run code as an existing resource's role (lambda:UpdateFunctionCode,
//   ssm:SendCommand...): that role is outside the plan, so taken to be admin-equivalent;
// - IAM Identity Center permission-set provisioning.
// Escalation paths: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
import {
    authorize,
    Authorization,
    IAM_ESCALATION_ACTIONS,
    PASS_ROLE,
    passRoleComputeActions,
    PERMISSION_SET_ACTIONS,
    PolicyDocument,
    SINGLE_ACTION_ESCALATIONS,
    statementMatchesAction,
} from "../../../policypack/iam";
import { arn, iamPolicyArn, iamUserArn, parseArn } from "../../../policypack/iam/arn";
import type { ContextValue } from "../../../policypack/iam/context";
import { DUTY_TAG, PRINCIPAL_TYPE_TAG } from "../../../components/principalTags";
import { adminReason } from "../admin";
import { probeResources } from "../sweep";
import type { AccessGraph, Edge, EdgeKind, GraphNode } from "../graph";
import { decideWithChoice, MfaState, requestContext } from "./context";

const actionsFor = (target: string, selfCounts?: boolean) =>
    IAM_ESCALATION_ACTIONS.filter(
        (e) =>
            e.target === target &&
            e.action !== "iam:UpdateAssumeRolePolicy" &&
            e.action !== "iam:AddUserToGroup" &&
            (selfCounts === undefined || e.selfCounts === selfCounts),
    );
/** Rewrites of a principal's policies or boundary. */
const ROLE_EDITS = actionsFor("role");
const USER_EDITS = actionsFor("user", true);
const GROUP_EDITS = actionsFor("group");
const POLICY_EDITS = actionsFor("policy");
/** Credentials for another user: access keys, console password. */
const CREDENTIALS = actionsFor("user", false);

const CREDENTIAL_REASONS: Readonly<Record<string, string>> = {
    "iam:CreateAccessKey": "can create access keys for",
    "iam:CreateLoginProfile": "can set the console password of",
    "iam:UpdateLoginProfile": "can reset the console password of",
};

/**
 * Does any Allow statement of the node name the action at all? A cheap filter before deciding,
 * answered once per document: the same documents serve a hundred accounts' roles.
 */
const mentions = new WeakMap<PolicyDocument, Map<string, boolean>>();
function mayAllow(node: GraphNode, action: string): boolean {
    return node.identity.some(({ doc }) => {
        let m = mentions.get(doc);
        if (!m) mentions.set(doc, (m = new Map()));
        let v = m.get(action);
        if (v === undefined) {
            v = doc.statements.some(
                (s) => s.effect === "Allow" && statementMatchesAction(s, action),
            );
            m.set(action, v);
        }
        return v;
    });
}

/**
 * The resources the Allow statements naming the action reach, each pattern probed (sweep.ts
 * probeResources): a Deny may cover the first and leave another.
 */
function resourcesOf(node: GraphNode, action: string): string[] {
    const out = new Set<string>();
    for (const p of node.identity)
        for (const s of p.doc.statements)
            if (s.effect === "Allow" && statementMatchesAction(s, action))
                for (const r of probeResources(s)) out.add(r);
    return [...out];
}

/** The tag keys whose values designate people in the roles' trust. */
const DESIGNATING_TAGS = [DUTY_TAG, PRINCIPAL_TYPE_TAG];

/**
 * A tag key as written and in other cases. IAM tag keys are case-insensitive (a user tagged
 * ORG-ACCESS:DUTY carries the key aws:PrincipalTag/org-access:duty reads), but a condition on
 * aws:TagKeys compares as its operator does: StringEquals case-sensitively, so a Deny listing the
 * lower-case keys leaves the upper-case ones. Several spellings (upper, lower, capitalised,
 * alternating), so a list must name more than the usual ones to hide them all.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#case-sensitivity
 */
const keyCaseCache = new Map<string, string[]>();
export function keyCases(key: string): string[] {
    const hit = keyCaseCache.get(key);
    if (hit) return hit;
    const cases = spellings(key);
    keyCaseCache.set(key, cases);
    return cases;
}

function spellings(key: string): string[] {
    const alternate = (first: 0 | 1) =>
        [...key].map((c, i) => (i % 2 === first ? c.toUpperCase() : c.toLowerCase())).join("");
    return [
        ...new Set([
            key,
            key.toUpperCase(),
            key.toLowerCase(),
            key.charAt(0).toUpperCase() + key.slice(1).toLowerCase(),
            alternate(0),
            alternate(1),
        ]),
    ];
}

/**
 * Whether `decide` allows iam:TagUser on `user` setting a designating tag (break-glass, the most
 * powerful duty, and human): decided per key and per spelling of the key (keyCases), with
 * aws:TagKeys and aws:RequestTag as that request carries them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html
 */
function retagDecision(
    decide: (
        action: string,
        resource: string,
        request?: Readonly<Record<string, ContextValue>>,
    ) => Authorization | undefined,
    user: string,
    tagSensitive: boolean,
): Authorization | undefined {
    for (const designating of tagSensitive ? DESIGNATING_TAGS : DESIGNATING_TAGS.slice(0, 1)) {
        const value = designating === DUTY_TAG ? "break-glass" : "human";
        // Where no statement of the caller's policies or SCPs reads the request's tags, the
        // decision cannot depend on which tag, or how spelled: the first request decides.
        for (const key of tagSensitive ? keyCases(designating) : [designating]) {
            const r = decide("iam:TagUser", user, {
                "aws:TagKeys": [key],
                [`aws:RequestTag/${key}`]: value,
            });
            if (r) return r;
        }
    }
    return undefined;
}

/** An IAM user ARN with a well-formed path (no empty segment) and a name. */
const USER_ARN = /^arn:[^:]+:iam::\d{12}:user\/(?:[^/]+\/)*[\w+=,.@-]+$/;

/**
 * Exact user ARNs under `prefix` (a people's path, `arn:...:user/org-access/`) that the Resource
 * pattern matches: a `*` path segment before `/evil` reaches `user/org-access/evil`, which the trust's
 * `user/org-access/*` designates. The pattern is walked against the prefix (a `*` matching nothing
 * or one more character, a `?` one), and what is left of it filled in; none when the pattern can
 * match nothing under the prefix.
 */
export function instancesUnder(pattern: string, prefix: string): string[] {
    const out = new Set<string>();
    const seen = new Set<string>();
    const walk = (i: number, j: number): void => {
        const at = `${i},${j}`;
        if (seen.has(at)) return;
        seen.add(at);
        if (j === prefix.length) {
            out.add(prefix + pattern.slice(i).replace(/\*/g, "zq9").replace(/\?/g, "z"));
            return;
        }
        if (i === pattern.length) return;
        const c = pattern[i];
        if (c === "*") {
            walk(i + 1, j);
            walk(i, j + 1);
        } else if (c === "?" || c === prefix[j]) walk(i + 1, j + 1);
    };
    walk(0, 0);
    return [...out].filter((a) => USER_ARN.test(a)).sort();
}

/** The Resource patterns of the node's Allow statements naming the action, as written. */
function patternsOf(node: GraphNode, action: string): string[] {
    const out = new Set<string>();
    for (const p of node.identity)
        for (const s of p.doc.statements)
            if (s.effect === "Allow" && statementMatchesAction(s, action))
                for (const r of s.resource ?? []) out.add(r);
    return [...out];
}

/** The IAM paths of the users the plan's trust policies designate by tag, in an account. */
function peoplePaths(graph: AccessGraph, account: string): string[] {
    const out = new Set<string>();
    for (const role of graph.roles)
        for (const s of role.trust?.doc.statements ?? [])
            for (const c of s.conditions) {
                if (c.key.toLowerCase() !== "aws:principalarn") continue;
                for (const v of c.values) {
                    const m = /^arn:[^:]+:iam::(\d{12}):user(\/(?:.*\/)?)\*$/.exec(String(v));
                    if (m && m[1] === account) out.add(m[2]);
                }
            }
    return [...out].sort();
}

export function escalationEdges(graph: AccessGraph, node: GraphNode, state: MfaState): Edge[] {
    const p = node.principal;
    if (p?.type !== "aws" || node.accountId === undefined) return [];
    const account = node.accountId;
    const context = requestContext(node, state, graph.region);
    const scps = graph.scps(account);
    // The caller's identity statements with the Deny statements of its SCPs, searched as one
    // document over the keys the caller chooses (as the audit sweep does, sweep.ts).
    const searched: PolicyDocument = {
        statements: [
            ...node.identity.flatMap((d) => d.doc.statements),
            ...(scps ?? []).flatMap((d) => d.doc.statements.filter((st) => st.effect === "Deny")),
        ],
        variables: [...node.identity, ...(scps ?? [])].some((d) => d.doc.variables),
    };
    const decide = (
        action: string,
        resource: string,
        request: Readonly<Record<string, ContextValue>> = {},
    ): Authorization | undefined => {
        if (!mayAllow(node, action)) return undefined;
        // Keys the request itself fixes (the tags a TagUser sets) are not the caller's to vary.
        const fixed = Object.fromEntries(
            Object.entries(request).map(([k, v]) => [k.toLowerCase(), v]),
        );
        return decideWithChoice(
            p,
            action,
            resource,
            state,
            { ...context, ...request },
            searched,
            (ctx) =>
                authorize(
                    { principal: p, action, resource, context: ctx },
                    { scps, identity: node.identity },
                ),
            fixed,
        )?.result;
    };
    // Tagging is decided only for a caller with an Allow that names iam:TagUser (decide would
    // refuse each request anyway), and per spelling only where a condition of its policies or SCPs
    // reads the tags a request sets.
    const canTag = mayAllow(node, "iam:TagUser");
    const tagSensitive = [...node.identity, ...(scps ?? [])].some(({ doc }) =>
        doc.statements.some((st) =>
            st.conditions.some((c) => {
                const reads = (k: string) => k === "aws:tagkeys" || k.startsWith("aws:requesttag/");
                // A policy variable in a value reads the request too (`${aws:RequestTag/x}`).
                const variables = c.values.flatMap((v) =>
                    [...String(v).matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1].toLowerCase()),
                );
                return reads(c.key.toLowerCase()) || variables.some(reads);
            }),
        ),
    );
    const edges: Edge[] = [];
    const edge = (
        to: GraphNode,
        kind: EdgeKind,
        action: string,
        resource: string,
        reason: string,
        result: Authorization,
        extra: { next?: MfaState; grantsAdmin?: boolean; statements?: string[] } = {},
    ) =>
        edges.push({
            from: node,
            to,
            kind,
            action,
            resource,
            reason,
            statements: extra.statements ?? result.allows.map((a) => a.label),
            mfa: state,
            next: extra.next ?? state,
            grantsAdmin: extra.grantsAdmin,
        });

    for (const role of graph.rolesByAccount.get(account) ?? []) {
        const self = role === node;
        for (const e of ROLE_EDITS) {
            const r = decide(e.action, role.id);
            if (r) {
                edge(
                    role,
                    "edit-policies",
                    e.action,
                    role.id,
                    self ? "can rewrite its own policies" : "can rewrite the policies of",
                    r,
                    { grantsAdmin: true },
                );
                break;
            }
        }
        if (!self) {
            const r = decide("iam:UpdateAssumeRolePolicy", role.id);
            if (r)
                edge(
                    role,
                    "update-trust",
                    "iam:UpdateAssumeRolePolicy",
                    role.id,
                    "can update the trust document of",
                    r,
                );
        }
        // iam:PassRole to a role a service may assume, with an action that runs code as it.
        if (!self && graph.trustIndex.service.includes(role)) {
            const pass = decide(PASS_ROLE, role.id);
            const compute = pass
                ? passRoleComputeActions()
                      .map((a) => {
                          for (const resource of resourcesOf(node, a)) {
                              const result = decide(a, resource);
                              if (result) return { action: a, result };
                          }
                          return undefined;
                      })
                      .find((c) => c && c.result)
                : undefined;
            if (pass && compute && compute.result)
                edge(
                    role,
                    "pass-role",
                    PASS_ROLE,
                    role.id,
                    `can pass to ${compute.action} and run as`,
                    pass,
                    {
                        next: "absent",
                        statements: [
                            ...new Set(
                                [...pass.allows, ...compute.result.allows].map((a) => a.label),
                            ),
                        ],
                    },
                );
        }
    }

    for (const user of graph.usersByAccount.get(account) ?? []) {
        const self = user === node;
        for (const e of USER_EDITS) {
            const r = decide(e.action, user.id);
            if (r) {
                edge(
                    user,
                    "edit-policies",
                    e.action,
                    user.id,
                    self ? "can rewrite its own policies" : "can rewrite the policies of",
                    r,
                    { grantsAdmin: true },
                );
                break;
            }
        }
        // The roles' trust designates people by their tags (components/orgGrants.ts): tagging a
        // user with a duty is as good as granting it that duty's roles.
        const retag = canTag ? retagDecision(decide, user.id, tagSensitive) : undefined;
        if (retag)
            edge(
                user,
                "edit-policies",
                "iam:TagUser",
                user.id,
                self ? "can retag itself with any duty" : "can retag with any duty",
                retag,
                { grantsAdmin: true },
            );
        if (self) continue;
        for (const e of CREDENTIALS) {
            const r = decide(e.action, user.id);
            if (r) {
                // Long-term credentials carry no MFA.
                edge(
                    user,
                    "credentials",
                    e.action,
                    user.id,
                    CREDENTIAL_REASONS[e.action] ?? `can call ${e.action} on`,
                    r,
                    { next: "absent" },
                );
                break;
            }
        }
    }

    for (const group of graph.groups.values()) {
        if (group.accountId !== account) continue;
        for (const e of GROUP_EDITS) {
            const r = decide(e.action, group.arn);
            if (r) {
                const target = graph.beyond(
                    `members of ${group.arn}`,
                    account,
                    `the members of group ${group.name}, whose policies the caller can rewrite`,
                );
                edge(
                    target,
                    "edit-policies",
                    e.action,
                    group.arn,
                    "can rewrite the policies of",
                    r,
                    { grantsAdmin: true },
                );
                break;
            }
        }
        // Only a user can be a member; it joins with its own identity plus the group's policies.
        if (node.kind !== "user" || group.members.includes(node.id)) continue;
        const r = decide("iam:AddUserToGroup", group.arn);
        if (!r) continue;
        const id = `${node.id} in group ${group.arn}`;
        const identity = [...node.identity, ...group.identity];
        const member: GraphNode = graph.nodes.get(id) ?? {
            ...node,
            id,
            kind: "group-member",
            identity,
            ...adminReason(identity, []),
        };
        graph.nodes.set(id, member);
        edge(member, "join-group", "iam:AddUserToGroup", group.arn, "can add itself to", r);
    }

    // A new user at a path the trust reads, tagged with a duty at creation (CreateUser with Tags
    // needs iam:TagUser too).
    for (const path of peoplePaths(graph, account)) {
        const under = iamUserArn(graph.partition, account, "", path);
        // Each Resource pattern instantiated under the path too: `user/*/evil` creates
        // `user/org-access/evil`, though its probe (`user/zq9/evil`) is elsewhere.
        const probes = [
            iamUserArn(graph.partition, account, "zq9-new-person", path),
            ...resourcesOf(node, "iam:CreateUser").filter((r) => r.startsWith(under)),
            ...patternsOf(node, "iam:CreateUser").flatMap((r) => instancesUnder(r, under)),
        ];
        for (const probe of new Set(probes)) {
            const create = decide("iam:CreateUser", probe);
            const tag = create && canTag ? retagDecision(decide, probe, tagSensitive) : undefined;
            if (!create || !tag) continue;
            const target = graph.beyond(
                `new users at ${path} of ${account}`,
                account,
                `a user the caller creates under ${path} with the duty tags the roles' trust reads: it holds any duty`,
            );
            edge(target, "edit-policies", "iam:CreateUser", probe, "can create and tag", create, {
                grantsAdmin: true,
                statements: [...new Set([...create.allows, ...tag.allows].map((a) => a.label))],
            });
            break;
        }
    }

    for (const e of POLICY_EDITS) {
        const probe = iamPolicyArn(graph.partition, account, "zq9-any-policy");
        const r = decide(e.action, probe);
        if (r) {
            const target = graph.beyond(
                `customer-managed policies of ${account}`,
                account,
                `every principal of account ${account} that attaches a customer-managed policy the caller can rewrite`,
            );
            edge(target, "edit-policies", e.action, probe, "can rewrite", r, { grantsAdmin: true });
            break;
        }
    }

    for (const e of SINGLE_ACTION_ESCALATIONS) {
        if (e.action === "sts:AssumeRole") continue; // assume edges, in sts.ts
        // The table's probe is written for the commercial partition and a stand-in account and
        // region: moved into this graph's partition, account and region (a GovCloud or China
        // policy names `arn:aws-us-gov:...`/`arn:aws-cn:...` resources, which an `arn:aws:`
        // probe never matches).
        const t = parseArn(e.probe);
        const probe = t
            ? arn(graph.partition, t.service, t.region && graph.region, account, t.resource)
            : e.probe;
        const r = decide(e.action, probe);
        if (!r) continue;
        const target = graph.beyond(
            `roles behind ${e.action} in ${account}`,
            account,
            `whatever role the resources ${e.action} reaches run as (${e.effect}): outside the plan, so taken to be admin-equivalent`,
        );
        edge(target, "run-as", e.action, probe, `can ${e.effect} with ${e.action}, reaching`, r, {
            next: "absent",
        });
    }

    for (const action of PERMISSION_SET_ACTIONS) {
        const probe = arn(graph.partition, "sso", "", "", "permissionSet/ssoins-zq9/ps-zq9");
        const r = decide(action, probe);
        if (!r) continue;
        const target = graph.beyond(
            `IAM Identity Center permission sets (${account})`,
            account,
            "the roles of IAM Identity Center permission sets the caller can write or provision: admin-equivalent",
        );
        edge(target, "provision", action, probe, "can provision", r, { next: "absent" });
        break;
    }
    return edges;
}
