// no-outside-principal: for every trust and resource policy the plan contains, nobody outside the
// designated principals gets in. Found by search (policypack/iam/search.ts) over who asks and over
// every condition value an outsider can present, not by sampling a few callers:
// - anyone (anonymous, or Principal "*");
// - a principal of an AWS account outside the organization, whatever name and path it gives
//   itself (those of the aws:PrincipalArn patterns included: anyone can create
//   user/org-access/x in an account of their own);
// - a principal of one of the organization's accounts that nobody designated;
// - a principal of one of the organization's accounts without the tags a statement designates by
//   (an IfExists or ForAllValues tag condition passes when the tag is absent);
// - an AWS service acting for an outsider (its aws:SourceArn, aws:SourceAccount, aws:SourceOrgID
//   and the resource ARNs it sets in a KMS encryption context are the outsider's, or absent):
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html,
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html;
// - a federated principal other than the planned GitHub OIDC provider;
// - a GitHub Actions token of another repository.
// Designated: the security stack's trusted principals (humans, reporters with their ExternalId,
// responders, break-glass, the CI identities), and for a resource policy the principals of the
// resource's own account, which the policy hands to that account's IAM (a key policy's
// `<account>:root`). Who is inside is the organization: the accounts and the org id the plan knows.
import { OUTSIDE_ACCOUNT, rcpsFor } from "../simulate";
import { AccessModel } from "../model";
import {
    awsPrincipalFromArn,
    describeUntagged,
    findAllowWitness,
    findUntaggedAccess,
    mentionedAccounts,
    untaggedHints,
    findWeakOidcTrust,
    PolicyDocument,
    RequestPrincipal,
    Statement,
    statementLabel,
    statementMatchesAction,
    TRUST_POLICY_ACTIONS,
    Witness,
} from "../../policypack/iam";
import { classifyAwsPrincipal } from "../../policypack/iam/principals";
import { Candidate } from "../../policypack/iam/search";
import {
    chosenNames,
    outsiderAccounts,
    outsiderScenario,
    principalArnProbes,
} from "../../policypack/iam/outsiders";
import { DocumentCache } from "../../policypack/iam/document";
import { PRINCIPAL_DERIVED_KEYS, requesterPinKeys } from "../../policypack/iam/keys";
import { instantiateGlob } from "../../policypack/iam/wildcard";
import { isGithubIssuer } from "../../policypack/iam/oidc";
import { accountRootArn, assumedRoleArn, iamUserArn } from "../../policypack/iam/arn";
import { str } from "../../policypack/model/resources";
import { assignmentEdges, designatedGroups, dutySetOf } from "./edges/identityCenter";
import { plannedPolicies, PlannedPolicy } from "./resourcePolicies";
import { Counterexample, Proof, ProofInput } from "./types";

/** The kinds of outsider, in the order they are probed and reported. */
type Outsider =
    "anyone" | "outside-account" | "undesignated" | "untagged" | "service" | "federated" | "github";

interface Finding {
    readonly outsider: Outsider;
    readonly statement: Statement;
    readonly action: string;
    readonly witness: Witness;
    /** What let it in, when the witness alone does not say (an untagged principal). */
    readonly detail?: string;
}

/** What the plan says about who is inside and who is designated. */
interface Scope {
    readonly insideAccounts: ReadonlySet<string>;
    readonly insideOrgs: ReadonlySet<string>;
    /** Exact ARNs of designated principals, lower-cased. */
    readonly designated: ReadonlySet<string>;
    readonly githubProvider?: string;
    readonly githubRepository?: string;
    readonly partition: string;
}

const UNDESIGNATED = "zq9-undesignated";
const OTHER_REPOSITORY = "zq9-other/zq9";

function scopeOf(input: ProofInput): Scope {
    const { model, outputs } = input;
    const inside = new Set<string>();
    const add = (a: unknown) => {
        if (typeof a === "string" && /^\d{12}$/.test(a)) inside.add(a);
    };
    add(model.securityAccountId);
    add(model.managementAccountId);
    add(outputs.logArchiveAccountId);
    if (Array.isArray(outputs.accounts))
        for (const a of outputs.accounts) add((a as { accountId?: unknown }).accountId);
    for (const r of [...input.resources, ...(input.security ?? [])]) add(r.accountId);
    for (const r of model.roles) add(r.accountId);
    const t = model.trusted as typeof model.trusted & { previewIdentityArn?: string };
    const designated = new Set(
        [
            ...t.humanArns,
            ...t.reporters.map((r) => r.arn),
            ...(t.incidentResponderArns ?? []),
            ...(t.breakGlassArns ?? []),
            t.previewIdentityArn,
            str(outputs.ciDeployIdentityArn),
            str(outputs.ciPreviewIdentityArn),
        ]
            .filter((a): a is string => typeof a === "string")
            .map((a) => a.toLowerCase()),
    );
    const org = str(outputs.organizationId);
    return {
        insideAccounts: inside,
        insideOrgs: new Set(org ? [org] : []),
        designated,
        githubProvider: str(outputs.githubOidcProviderArn),
        githubRepository: str(
            (outputs.ciDeployPin as { repository?: unknown } | undefined)?.repository,
        ),
        partition: model.partition,
    };
}

function session(partition: string, account: string, name: string): RequestPrincipal {
    return awsPrincipalFromArn(assumedRoleArn(partition, account, name, "zq9-session"))!;
}

function principalsOf(
    partition: string,
    account: string,
    names: readonly string[],
): RequestPrincipal[] {
    return [
        awsPrincipalFromArn(accountRootArn(partition, account))!,
        ...names.flatMap((n) => [
            awsPrincipalFromArn(iamUserArn(partition, account, n))!,
            session(partition, account, n),
        ]),
    ];
}

/** The actions to probe a statement with: those it grants, of the document's kind. */
function probeActions(s: Statement, p: PlannedPolicy): string[] {
    if (p.kind === "trust") return TRUST_POLICY_ACTIONS.filter((a) => statementMatchesAction(s, a));
    if (s.notAction) return p.services.map((svc) => `${svc}:Zq9Action`);
    return [...new Set((s.action ?? []).map((a) => instantiateGlob(a, ["Zq9"])[0]))];
}

/** Keys a service sets to the ARN of the resource it acts for (KMS encryption contexts). */
function serviceArnKeys(doc: PolicyDocument): string[] {
    const keys = new Set<string>();
    for (const s of doc.statements)
        for (const c of s.conditions)
            if (/^kms:encryptioncontext:.*:arn$/.test(c.keyLower)) keys.add(c.keyLower);
    return [...keys];
}

/** A GitHub token's subject names its repository: `repo:OWNER/REPO:...`. */
function repositoryOf(sub: string): string | undefined {
    return /^repo:([^:]+\/[^:]+):/i.exec(sub)?.[1]?.toLowerCase();
}

/** The principals of each kind of outsider a statement could let in. */
function outsiders(
    doc: PolicyDocument,
    s: Statement,
    p: PlannedPolicy,
    scope: Scope,
): { outsider: Outsider; principals: RequestPrincipal[]; domains?: Map<string, Candidate[]> }[] {
    const part = scope.partition;
    const names = [...new Set(["zq9-outsider", ...chosenNames(doc)])];
    const outside = [
        ...new Set([OUTSIDE_ACCOUNT, ...outsiderAccounts(doc, scope.insideAccounts)]),
    ].filter((a) => !scope.insideAccounts.has(a));
    // A resource policy hands its own account's principals to that account's IAM.
    const own = p.kind === "resource" ? p.accountId : undefined;
    const named = [...(s.principal?.aws ?? [])].filter((raw) => {
        const info = classifyAwsPrincipal(raw);
        return (
            (info.kind === "user" || info.kind === "role" || info.kind === "assumed-role") &&
            info.account !== undefined &&
            scope.insideAccounts.has(info.account) &&
            info.account !== own &&
            !scope.designated.has(raw.toLowerCase())
        );
    });
    const undesignated = [
        ...[...scope.insideAccounts]
            .filter((a) => a !== own)
            .flatMap((a) => principalsOf(part, a, [UNDESIGNATED])),
        ...named.flatMap((raw) => {
            const arn = instantiateGlob(raw, ["zq9"])[0];
            const principal = awsPrincipalFromArn(arn);
            if (!principal || principal.type !== "aws") return [];
            return principal.kind === "role"
                ? [session(part, principal.account, principal.name)]
                : [principal];
        }),
    ];
    const services = [
        ...new Set((s.principal?.service ?? []).map((svc) => instantiateGlob(svc, ["zq9"])[0])),
    ];
    const provider = scope.githubProvider?.toLowerCase();
    const federated = (s.principal?.federated ?? []).filter((f) => f.toLowerCase() !== provider);
    const out: ReturnType<typeof outsiders> = [
        {
            outsider: "anyone",
            // An anonymous caller belongs to no organization: the search gives it none of the
            // keys only authenticated principals carry (keys.ts presentFor, requestShape.ts).
            principals: [{ type: "anonymous" }],
        },
        {
            outsider: "outside-account",
            // Also the users and roles an outside account can create at the paths and names of
            // the aws:PrincipalArn patterns: with the account open, user/org-access/x of any
            // account matches arn:aws:iam::*:user/org-access/*.
            principals: [
                ...outside.flatMap((a) => principalsOf(part, a, names)),
                ...principalArnProbes(doc, outside, part),
            ],
        },
        { outsider: "undesignated", principals: undesignated },
        {
            outsider: "service",
            principals: services.map((service) => ({ type: "service", service })),
        },
        {
            outsider: "federated",
            principals: federated.map((f) => ({ type: "federated", provider: f })),
        },
    ];
    if (provider && (s.principal?.federated ?? []).some((f) => f.toLowerCase() === provider)) {
        const issuer = provider.replace(/^arn:[^:]+:iam::\d*:oidc-provider\//, "");
        const sub = `${issuer}:sub`;
        const values = new Set<string>([`repo:${OTHER_REPOSITORY}:pull_request`]);
        for (const c of s.conditions)
            if (c.keyLower === sub)
                for (const v of c.values)
                    for (const i of instantiateGlob(v, ["zq9"])) values.add(i);
        const repo = scope.githubRepository?.toLowerCase();
        out.push({
            outsider: "github",
            principals: [{ type: "federated", provider: scope.githubProvider! }],
            domains: new Map([
                [
                    sub,
                    [
                        undefined,
                        ...[...values].filter(
                            (v) => repo === undefined || repositoryOf(v) !== repo,
                        ),
                    ],
                ],
            ]),
        });
    }
    return out.filter((o) => o.principals.length > 0);
}

/**
 * The accounts whose untagged principals are probed: the organization's accounts the document
 * names (a path pattern with an exact account), and one more of them for a pattern whose account is
 * open (one stands for all: their principals differ only in the account). Not all of them: an
 * organization of 1,000 accounts would multiply every search by 1,000.
 */
function untaggedAccounts(doc: PolicyDocument, scope: Scope, own: string): string[] {
    const inside = [...scope.insideAccounts].filter((a) => a !== own).sort();
    const named = mentionedAccounts(doc);
    const other = inside.find((a) => !named.has(a));
    return [...inside.filter((a) => named.has(a)), ...(other ? [other] : [])];
}

const findingsCache = new DocumentCache<Finding[]>();

/** Every statement of the document that lets some outsider in, once per kind of outsider. */
/** The RCPs' Deny statements that bind the governed resource (rcpFence). */
interface RcpFence {
    readonly key: string;
    readonly denies: readonly Statement[];
}

/** Outsiders an RCP binds: anyone, and principals of accounts outside the organization. */
const FENCED: ReadonlySet<Outsider> = new Set(["anyone", "outside-account"]);

function findOutsiders(p: PlannedPolicy, scope: Scope, fence?: RcpFence): Finding[] {
    const doc = p.doc!;
    // The document with the RCPs' Denies added: the outsiders probed and the values searched
    // include the partners and exceptions the RCPs name.
    const fenced: PolicyDocument = fence
        ? { ...doc, statements: [...doc.statements, ...fence.denies] }
        : doc;
    const own = p.kind === "resource" ? (p.accountId ?? "") : "";
    return findingsCache.get(
        doc,
        () => {
            const found: Finding[] = [];
            const arnKeys = serviceArnKeys(doc);
            for (const s of doc.statements) {
                if (s.effect !== "Allow") continue;
                for (const o of outsiders(fenced, s, p, scope)) {
                    const searched = FENCED.has(o.outsider) ? fenced : doc;
                    for (const action of probeActions(s, p)) {
                        const base = outsiderScenario(searched, action, undefined, {
                            insideAccounts: scope.insideAccounts,
                            insideOrgs: scope.insideOrgs,
                            arnKeys,
                        });
                        const domains = new Map(base.domains);
                        for (const [k, v] of o.domains ?? []) domains.set(k, v);
                        // No witness against the RCPs' Denies: kept out by the organization's
                        // RCPs; try the next action, then the next (narrower) kind of outsider.
                        const witness = findAllowWitness(
                            searched,
                            { ...base, principals: o.principals, domains },
                            s,
                        );
                        if (witness) {
                            found.push({ outsider: o.outsider, statement: s, action, witness });
                            break;
                        }
                    }
                    // The first kind found is the widest (anyone before an outside account...).
                    if (found.length && found[found.length - 1].statement === s) break;
                }
                if (found.length && found[found.length - 1].statement === s) continue;
                // A principal of the organization without the tags the statement designates by:
                // a tag condition that passes when the tag is absent (IfExists, ForAllValues)
                // lets every untagged principal under the trusted path in.
                const untagged = findUntaggedAccess(doc, {
                    actions: probeActions(s, p),
                    accounts: untaggedAccounts(doc, scope, own),
                    partition: scope.partition,
                }).find((f) => f.statement === s);
                if (untagged)
                    found.push({
                        outsider: "untagged",
                        statement: s,
                        action: untagged.action,
                        witness: untagged.witness,
                        detail: `${describeUntagged(untagged)}: ${untaggedHints(untagged)}`,
                    });
            }
            return found;
        },
        `${p.kind}:${own}:${fence ? `${p.accountId}:${fence.key}` : ""}:${[...scope.insideAccounts].join(",")}:${[...scope.insideOrgs].join(",")}:${[...scope.designated].join(",")}:${scope.githubProvider ?? ""}:${scope.githubRepository ?? ""}`,
    );
}

function describe(
    p: RequestPrincipal,
    context: Readonly<Record<string, unknown>>,
    outsider: Outsider,
): string {
    switch (p.type) {
        case "anonymous":
            return "anyone (anonymous)";
        case "aws":
            return p.arn;
        case "service":
            return `service ${p.service}`;
        case "federated": {
            const sub = Object.entries(context).find(([k]) => k.endsWith(":sub"));
            return sub && outsider === "github"
                ? `token of ${p.provider} with sub=${String(sub[1])}`
                : `federated ${p.provider}`;
        }
        case "canonical-user":
            return `canonical user ${p.id}`;
    }
}

const FIX: Record<Outsider, string> = {
    anyone: 'name the designated principals instead of "*" (or pin aws:PrincipalOrgID to the organization)',
    "outside-account":
        "name only the organization's accounts and pin the condition keys to the organization's own values",
    undesignated:
        "restrict the statement to the designated principals (aws:PrincipalArn), not every principal of the account",
    untagged:
        "designate by StringEquals on the aws:PrincipalTag keys (not ...IfExists, not ForAllValues), as Bool (not BoolIfExists) on aws:MultiFactorAuthPresent",
    service:
        "fence the service principal with aws:SourceArn or aws:SourceAccount (or aws:SourceOrgID) naming the organization's own resources",
    federated:
        "trust only the planned GitHub OIDC provider, with its audience and the repository's subject pinned",
    github: "pin token.actions.githubusercontent.com:sub to the designated repository (repo:OWNER/REPO:...)",
};

/**
 * Keys the principal itself decides (its ARN, account, type, names, unique id): not part of what
 * the outsider chose. From the key table (policypack/iam/keys.ts).
 */
const DERIVED = new Set([...PRINCIPAL_DERIVED_KEYS, ...requesterPinKeys("userid")]);

function formatContext(w: Witness): string {
    const entries = Object.entries(w.context).filter(([k]) => !DERIVED.has(k));
    if (w.undecided) return "the conditions are too large to search, so taken to allow";
    return entries.length
        ? entries.map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(", ")}]` : v}`).join(", ")
        : "no condition keys needed";
}

function resourceOf(p: PlannedPolicy): string {
    return p.arn ? `${p.arn} (${p.carrier.name})` : p.carrier.urn;
}

/**
 * The Deny statements of the RCPs surely attached to the governed resource's account (the root's
 * or the account's own; simulate.ts rcpsFor): an outsider is kept out by them only if no request
 * it can make escapes them. They join the document's own Denies in the witness search, which then
 * looks for a context allowed by the statement and denied by none of them, over every key the
 * caller controls (its principal tags, address, network, the organizations and accounts it may
 * belong to, the partners the RCPs name included). Only for anyone and principals of outside
 * accounts: an RCP never stops the organization's own principals, and a service's source keys or
 * a federated caller are left to the policy itself. An undecided search is taken to allow. The
 * organization's RCPs are beyond any account administrator's reach.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
function rcpFence(model: AccessModel, p: PlannedPolicy): RcpFence | undefined {
    const rcps = rcpsFor(model, p.accountId, "surely");
    if (!rcps) return undefined;
    const denies = rcps.flatMap((r) => r.doc.statements.filter((st) => st.effect === "Deny"));
    return {
        denies,
        // The findings are cached per document and variant: the variant says which Denies.
        key: JSON.stringify(denies),
    };
}

function counterexamples(p: PlannedPolicy, scope: Scope, model?: AccessModel): Counterexample[] {
    if (!p.doc)
        return [
            {
                principal: "(not checked)",
                path: [],
                action: "*",
                resource: resourceOf(p),
                statements: [],
                reason: `${p.label}: not checked: ${p.unreadable}; give the policy as a JSON document the plan knows, or teach the reader this resource type (scripts/update-policy-types.ts classifies policy properties; evidence/proofs/resourcePolicies.ts reads them)`,
            },
        ];
    const fence = model && rcpFence(model, p);
    const out: Counterexample[] = findOutsiders(p, scope, fence).map((f) => ({
        principal: describe(f.witness.principal, f.witness.context, f.outsider),
        path: [],
        action: f.action,
        resource: resourceOf(p),
        statements: [`${p.label} ${statementLabel(f.statement)}`],
        reason: `${p.label} lets ${describe(f.witness.principal, f.witness.context, f.outsider)} in (${f.outsider}; witness: ${formatContext(f.witness)}${f.detail ? `; ${f.detail}` : ""}); ${FIX[f.outsider]}`,
    }));
    if (p.kind === "trust") {
        for (const f of findWeakOidcTrust(p.doc)) {
            if (!isGithubIssuer(f.provider.issuer) && f.provider.raw !== scope.githubProvider)
                continue;
            out.push({
                principal: f.provider.raw,
                path: [],
                action: "sts:AssumeRoleWithWebIdentity",
                resource: resourceOf(p),
                statements: [`${p.label} ${statementLabel(f.statement)}`],
                reason: `${p.label}: ${f.problems.join("; ")}`,
            });
        }
    }
    return out;
}

export const noOutsidePrincipal: Proof = {
    id: "no-outside-principal",
    statement:
        "every trust and resource policy in the plan lets in only the designated principals, and AWS services only for the organization's own resources",
    unit: "trust and resource policies",
    // Both kinds: each stack's own policies are examined (a workload plan's roles trust the security
    // account; the security plan holds the bucket, key, topic and CI policies). A workload plan does
    // not re-examine the security stack's policies: the security plan does.
    appliesTo: ["security", "workload"],
    prove(input) {
        const scope = scopeOf(input);
        const accounts = Array.isArray(input.outputs.accounts)
            ? input.outputs.accounts
                  .map((a) => (a as { accountId?: unknown }).accountId)
                  .filter((a): a is string => typeof a === "string")
            : [];
        const policies = plannedPolicies(input.resources, {
            partition: input.model.partition,
            region: input.model.region,
            stackSetAccounts: accounts,
        });
        // IAM Identity Center: the roles its permission sets provision trust the account's SAML
        // provider (AWS's); who gets in is the assignments' principals, which must be designated
        // groups, into the workload accounts.
        const groups = designatedGroups(input);
        const designated = new Set([
            ...(groups?.audit ?? []),
            ...(groups?.incidentResponse ?? []),
            ...(groups?.breakGlass ?? []),
        ]);
        const assignments = assignmentEdges(input);
        // The accounts the workload stack files list (the security stack's output), not those of
        // the model's roles, which the assignments themselves put there.
        const workloadAccounts = new Set(
            (
                (input.outputs.identityCenter as { accounts?: { accountId: string }[] } | undefined)
                    ?.accounts ?? []
            ).map((a) => a.accountId),
        );
        const outsideAssignments: Counterexample[] = assignments.flatMap((a) => {
            const who = `Identity Store ${a.principalType.toLowerCase()} ${a.principalId}`;
            // Each designated group gets its own duty's set and no other: the audit proofs take
            // every set assigned to an audit group as an audit set, and a group given another
            // duty's set holds two duties. A set outside the plan is not checked at all.
            const duty =
                a.principalType === "GROUP" && groups
                    ? dutySetOf(groups, a.principalId)
                    : undefined;
            const problem =
                a.principalType !== "GROUP" || !designated.has(a.principalId)
                    ? `${who} is not one of the groups identityCenter designates`
                    : !workloadAccounts.has(a.accountId)
                      ? `account ${a.accountId} is not a workload account of any workload stack`
                      : a.foreignPermissionSet
                        ? `not checked: permission set ${a.foreignPermissionSet} is a set outside the plan, whose policies no proof reads`
                        : duty && a.permissionSet !== duty
                          ? `${who} gets permission set ${a.permissionSet}, but its duty's set is ${duty}`
                          : undefined;
            return problem
                ? [
                      {
                          principal: who,
                          path: a.roleArn ? [a.roleArn] : [],
                          action: "sts:AssumeRoleWithSAML",
                          resource: a.roleArn ?? a.accountId,
                          statements: [a.name],
                          reason: `${a.name}: ${problem}; assign only identityCenter's groups, each its own duty's permission set, in the workload accounts`,
                      },
                  ]
                : [];
        });
        return {
            checked: policies.length + assignments.length,
            counterexamples: [
                ...policies.flatMap((p) => counterexamples(p, scope, input.model)),
                ...outsideAssignments,
            ],
            assumptions: [
                `the organization is accounts ${[...scope.insideAccounts].sort().join(", ") || "(none known)"}${scope.insideOrgs.size ? ` and ${[...scope.insideOrgs].join(", ")}` : ""}; any other account or org id is outside`,
                "a resource policy's grants to its own account are that account's IAM's to decide (key policies' <account>:root)",
                "principals designated by an IAM path (the break-glass users' path) are only those the program creates there",
                "AWS services set aws:SourceArn, aws:SourceAccount and the ARNs of KMS encryption contexts truthfully for the resource they act for",
                "an outsider the resource control policies the plan attaches to the root or to the resource's own account deny, whatever context it presents, is kept out by the organization, whatever the trust or resource policy says; an RCP attached to an OU is not counted (the plan cannot see which accounts an OU holds)",
                ...(assignments.length
                    ? [
                          `IAM Identity Center: ${assignments.length} account assignments checked in place of the trust of the AWSReservedSSO_* roles, which AWS writes (the account's SAML provider): who signs in is the assigned groups' members, as the identity store (outside the plan) lists them`,
                      ]
                    : []),
            ],
        };
    },
};
