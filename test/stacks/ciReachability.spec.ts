// The rule of issue 9 section 1, proved over the planned resources of both stacks: no role that a
// pull request can reach may assume a role that can write, in any account. A pull request's
// tokens are every token GitHub would issue to a job the pull request (or a push to a branch
// other than the deploy branch) can define; from the roles those tokens may assume, every
// sts:AssumeRole grant is followed, and each role reached must allow nothing at a write access level.
import * as assert from "assert";
import { PlannedResource, PlanResult } from "../../plan/run";
import {
    awsPrincipalFromArn,
    evaluateRequest,
    hasWildcard,
    parseArn,
    parsePolicyDocument,
    PolicyDocument,
    RequestPrincipal,
} from "../../policypack/iam";
import { LOG_ARCHIVE, MANAGEMENT, PROD, SECURITY, STAGING } from "../helpers";
import { mutate, withPolicy } from "../helpers/variants";
import { allowedWrites, managedPolicyDocument } from "../helpers/writes";
import { fixturePlans, OIDC, proofInput, REPO } from "../evidence/proofs/fixture";
import { runProofs } from "../../evidence/proofs";
import { ciPreviewCannotDeploy } from "../../evidence/proofs/ci-preview-cannot-deploy";
import {
    DeployPin,
    GithubToken,
    githubTokens,
    mentionedClaims,
    tokenContext,
    UNREVIEWED_ORIGINS,
} from "../../evidence/proofs/tokens";

interface RoleNode {
    readonly arn: string;
    /** The trust policy, or undefined when it is not known offline (then it is taken to trust anyone). */
    readonly trust?: PolicyDocument;
    /** Identity policies: inline, and managed by ARN (undefined: a policy this test cannot read). */
    readonly policies: readonly (PolicyDocument | undefined)[];
    readonly attachments: readonly string[];
}

/**
 * Every claim set GitHub would put in a token for a job of unreviewed code (a pull request, a push
 * to any branch but the deploy branch or to a tag, another repository): the token space the proofs
 * share (evidence/proofs/tokens.ts), built from the deploy pin and what the plans' trust policies name.
 */
function attackerTokens(plans: readonly PlanResult[]): GithubToken[] {
    const pin = plans.map((p) => p.outputs.ciDeployPin).find((v) => v) as DeployPin | undefined;
    const trusts = plans.flatMap((p) =>
        p.resources
            .filter(
                (r) =>
                    r.type === "aws:iam/role:Role" && !r.secretProps.includes("assumeRolePolicy"),
            )
            .flatMap((r) => parse(r.props.assumeRolePolicy) ?? []),
    );
    return githubTokens(pin, mentionedClaims(trusts)).filter((t) =>
        UNREVIEWED_ORIGINS.includes(t.origin),
    );
}

/**
 * The same space written out by hand, independent of the proof's token generator: a pull request's
 * merge ref and a feature branch, with no environment or each of the fixture's, and no workflow
 * file, those the configuration names, and one nobody names.
 * Claims: https://docs.github.com/en/actions/reference/security/oidc
 */
function literalTokens(): GithubToken[] {
    const starts = [
        {
            origin: "pull-request",
            ref: "refs/pull/7/merge",
            event: "pull_request",
            refSub: "pull_request",
        },
        {
            origin: "other-branch",
            ref: "refs/heads/feature",
            event: "push",
            refSub: "ref:refs/heads/feature",
        },
    ] as const;
    const out: GithubToken[] = [];
    for (const s of starts)
        for (const env of [undefined, "production", "preview", "staging"])
            for (const wf of [undefined, "preview.yml", "deploy.yml", "ci.yml", "evil.yml"])
                out.push({
                    origin: s.origin,
                    deploy: false,
                    claims: {
                        aud: "sts.amazonaws.com",
                        sub: `repo:${REPO}:${env === undefined ? s.refSub : `environment:${env}`}`,
                        ref: s.ref,
                        repository: REPO,
                        event_name: s.event,
                        ...(env === undefined ? {} : { environment: env }),
                        ...(wf === undefined
                            ? {}
                            : { job_workflow_ref: `${REPO}/.github/workflows/${wf}@${s.ref}` }),
                    },
                });
    return out;
}

const roleArnOf = (r: PlannedResource) =>
    `arn:aws:iam::${r.accountId}:role${String(r.props.path ?? "/")}${String(r.props.name)}`;

function parse(value: unknown): PolicyDocument | undefined {
    try {
        return parsePolicyDocument(String(value), "any");
    } catch {
        return undefined;
    }
}

/** The roles of the plans, with their trust and identity policies, keyed by lower-cased ARN. */
function roles(plans: readonly PlanResult[]): Map<string, RoleNode> {
    const out = new Map<string, RoleNode>();
    for (const plan of plans) {
        const byRole = (type: string, r: PlannedResource) =>
            plan.resources.filter(
                (x) =>
                    x.type === type && x.accountId === r.accountId && x.props.role === r.props.name,
            );
        for (const r of plan.resources.filter((x) => x.type === "aws:iam/role:Role")) {
            const attachments = byRole("aws:iam/rolePolicyAttachment:RolePolicyAttachment", r).map(
                (a) => String(a.props.policyArn),
            );
            out.set(roleArnOf(r).toLowerCase(), {
                arn: roleArnOf(r),
                trust: r.secretProps.includes("assumeRolePolicy")
                    ? undefined
                    : parse(r.props.assumeRolePolicy),
                policies: [
                    ...byRole("aws:iam/rolePolicy:RolePolicy", r).map((p) => parse(p.props.policy)),
                    ...attachments.map((arn) => {
                        // A customer-managed policy the plan creates (the CI deploy identity's
                        // deploy-role grant): its planned document.
                        const planned = plan.resources.find(
                            (x) =>
                                x.type === "aws:iam/policy:Policy" &&
                                arn ===
                                    `arn:aws:iam::${x.accountId}:policy/${String(x.props.name)}`,
                        );
                        if (planned) return parse(planned.props.policy);
                        try {
                            return managedPolicyDocument(arn);
                        } catch {
                            return undefined;
                        }
                    }),
                ],
                attachments,
            });
        }
    }
    return out;
}

/** The roles the providers assume to deploy: they write by design, whatever the plan says of them. */
function deployRoles(plans: readonly PlanResult[]): Map<string, string> {
    return new Map(
        plans.flatMap((p) =>
            p.resources
                .filter((r) => r.type === "pulumi:providers:aws")
                // Provider inputs reach the engine JSON-encoded.
                .flatMap((r) => {
                    const v = r.props.assumeRoles;
                    return (typeof v === "string" ? JSON.parse(v) : (v ?? [])) as {
                        roleArn: string;
                    }[];
                })
                .map((a): [string, string] => [a.roleArn.toLowerCase(), a.roleArn]),
        ),
    );
}

const sessionOf = (arn: string): RequestPrincipal => {
    const role = awsPrincipalFromArn(arn) as Extract<RequestPrincipal, { type: "aws" }>;
    return {
        ...role,
        kind: "assumed-role",
        arn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/session`,
        roleArn: arn,
    };
};

/**
 * Follows every sts:AssumeRole from the roles a pull request's tokens can assume and returns each
 * violation as a path: a role reached that can write, or one this program does not create as a
 * read-only role (a deploy role, or any role outside the plan).
 */
async function pullRequestPaths(
    plans: readonly PlanResult[],
): Promise<{ violations: string[]; reached: string[] }> {
    const nodes = roles(plans);
    const deploy = deployRoles(plans);
    const organization = plans.map((p) => p.outputs.organizationId).find((v) => v) as
        string | undefined;
    const providers = plans.flatMap((p) =>
        p.resources
            .filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
            .map((r) => `arn:aws:iam::${r.accountId}:oidc-provider/${OIDC}`),
    );
    const entries: { node: RoleNode; path: string }[] = [];
    for (const node of nodes.values()) {
        if (!node.trust) continue;
        // The proof's derived token space and the literal one: either reaching a role is an entry.
        const token = [...attackerTokens(plans), ...literalTokens()].find((t) =>
            providers.some(
                (provider) =>
                    evaluateRequest(node.trust!, {
                        principal: { type: "federated", provider },
                        action: "sts:AssumeRoleWithWebIdentity",
                        context: tokenContext(t),
                    }).decision === "Allow",
            ),
        );
        if (token)
            entries.push({ node, path: `pull request (${token.claims.sub}) -> ${node.arn}` });
    }
    const violations: string[] = [];
    const seen = new Set(entries.map((e) => e.node.arn.toLowerCase()));
    const queue = [...entries];
    // Every role ARN the check knows, in its own spelling (IAM compares ARNs case-sensitively).
    const candidates = new Map<string, string>([
        ...[...nodes.values()].map((n): [string, string] => [n.arn.toLowerCase(), n.arn]),
        ...deploy,
    ]);
    while (queue.length > 0) {
        const { node, path } = queue.shift()!;
        const docs = node.policies.filter((d): d is PolicyDocument => d !== undefined);
        if (docs.length !== node.policies.length)
            violations.push(
                `${path}: has a policy this check cannot read (${node.attachments.join(", ")})`,
            );
        const isEntry = entries.some((e) => e.node === node);
        // The entry identity assumes roles (followed below) and decrypts the stack's secrets to preview.
        const writes = await allowedWrites(docs, isEntry ? ["sts:AssumeRole"] : []);
        const allowed = isEntry ? ["kms:Decrypt"] : [];
        const bad = writes.filter((w) => !allowed.includes(w));
        if (bad.length > 0) violations.push(`${path}: can write (${bad.join(", ")})`);
        // Any role ARN an Allow names, the deploy roles, and one outside the plan altogether.
        const named = docs.flatMap((d) =>
            d.statements.filter((s) => s.effect === "Allow").flatMap((s) => s.resource ?? []),
        );
        const outside = "arn:aws:iam::000000000000:role/OutsideThePlan";
        const targets = new Map(candidates);
        for (const n of [...named, outside]) targets.set(n.toLowerCase(), n);
        for (const [target, arn] of targets) {
            const parsed = parseArn(arn);
            if (parsed?.service !== "iam" || !parsed.resource.startsWith("role/")) continue;
            if (hasWildcard(arn)) continue;
            // Every role here, the one outside the plan too, is taken to be in an account of the
            // organization: the grants are bounded by aws:ResourceOrgID (components/orgGrants.ts),
            // and inside it is where they reach the most.
            const inOrg: Record<string, string> = organization
                ? { "aws:ResourceOrgID": organization }
                : {};
            if (
                evaluateRequest(docs, { action: "sts:AssumeRole", resource: arn, context: inOrg })
                    .decision !== "Allow"
            )
                continue;
            const next = nodes.get(target);
            const step = `${path} -> may assume ${arn}`;
            if (!next || deploy.has(target)) {
                violations.push(`${step}, which this program does not create as a read-only role`);
                continue;
            }
            if (
                next.trust &&
                evaluateRequest(next.trust, {
                    principal: sessionOf(node.arn),
                    action: "sts:AssumeRole",
                }).decision !== "Allow"
            )
                continue;
            if (seen.has(target)) continue;
            seen.add(target);
            queue.push({ node: next, path: step });
        }
    }
    return { violations: [...new Set(violations)], reached: [...seen] };
}

/** The proof this walk is the specification of, over the same plans (security first). */
function proofHolds(plans: readonly PlanResult[]): boolean {
    const [security, workload] = plans;
    return runProofs(proofInput(workload, security), [ciPreviewCannotDeploy])[0].holds;
}

/** This walk's violations; the proof ci-preview-cannot-deploy must fail exactly when there are some. */
async function pullRequestViolations(plans: readonly PlanResult[]): Promise<string[]> {
    const { violations } = await pullRequestPaths(plans);
    assert.strictEqual(proofHolds(plans), violations.length === 0, violations.join("\n"));
    return violations;
}

describe("CI: no role a pull request can reach may assume a role that can write, in any account", () => {
    let security: PlanResult;
    let workload: PlanResult;
    before(async () => {
        ({ security, workload } = await fixturePlans());
    });

    it("holds for the planned stacks: a pull request reaches the preview identity and the preview roles, none of which writes", async () => {
        const { violations, reached } = await pullRequestPaths([security, workload]);
        assert.deepStrictEqual(violations, []);
        assert.strictEqual(proofHolds([security, workload]), true);
        // And the check does walk the graph: exactly the preview identity and every preview role are reached.
        assert.deepStrictEqual(
            reached.sort(),
            [
                `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`,
                ...[SECURITY, MANAGEMENT, LOG_ARCHIVE, PROD, STAGING].map(
                    (a) => `arn:aws:iam::${a}:role/orgaccesspreviewrole`,
                ),
            ].sort(),
        );
    });

    it("catches the preview identity given a deploy role", async () => {
        const broken = withPolicy(security, "ci-preview-policy", (d) =>
            d.Statement[0].Resource.push(`arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`),
        );
        assert.deepStrictEqual(await pullRequestViolations([broken, workload]), [
            `pull request (repo:${REPO}:pull_request) -> arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview -> may assume arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole, which this program does not create as a read-only role`,
        ]);
    });

    it("catches a deploy identity that trusts the environment alone (a pull request's job can name it)", async () => {
        const broken = withPolicy(security, "ci-deploy-role", (d) => {
            delete d.Statement[0].Condition.StringEquals[`${OIDC}:job_workflow_ref`];
        });
        const violations = await pullRequestViolations([broken, workload]);
        assert.ok(
            violations.some((v) =>
                v.startsWith(
                    `pull request (repo:${REPO}:environment:production) -> arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy -> may assume arn:aws:iam::`,
                ),
            ),
            violations.join("\n"),
        );
    });

    it("catches a preview role that can write, by a managed policy or an inline Allow", async () => {
        const managed = mutate(workload, "acct-777788889999-preview-viewonlyaccess", (p) => {
            p.policyArn = "arn:aws:iam::aws:policy/PowerUserAccess";
        });
        const [first] = await pullRequestViolations([security, managed]);
        assert.match(
            first,
            new RegExp(
                `-> may assume arn:aws:iam::${PROD}:role/OrgAccessPreviewRole: can write \\(`,
            ),
        );
        const inline = withPolicy(workload, "acct-555555555555-preview-reads", (d) =>
            d.Statement.push({
                Effect: "Allow",
                Action: "s3:PutBucketPolicy",
                Resource: "arn:aws:s3:::*",
            }),
        );
        assert.deepStrictEqual(await pullRequestViolations([security, inline]), [
            `pull request (repo:${REPO}:pull_request) -> arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview -> may assume arn:aws:iam::${STAGING}:role/OrgAccessPreviewRole: can write (s3:PutBucketPolicy)`,
        ]);
    });

    it("catches a preview identity that can write the state, and one that can assume any role", async () => {
        const state = withPolicy(security, "ci-preview-policy", (d) => {
            d.Statement[2].Action = ["s3:GetObject", "s3:PutObject"];
        });
        assert.deepStrictEqual(await pullRequestViolations([state, workload]), [
            `pull request (repo:${REPO}:pull_request) -> arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview: can write (s3:PutObject)`,
        ]);
        const any = withPolicy(security, "ci-preview-policy", (d) => {
            d.Statement[0].Resource = "*";
        });
        const violations = await pullRequestViolations([any, workload]);
        assert.ok(
            violations.some((v) =>
                v.includes("may assume arn:aws:iam::000000000000:role/OutsideThePlan"),
            ),
            violations.join("\n"),
        );
    });
});
