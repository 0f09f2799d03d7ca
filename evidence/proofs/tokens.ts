// The GitHub OIDC tokens the access graph starts from: every claim set GitHub would issue to a job
// that somebody can make run, sorted by who can make it run. A pull request (from this repository
// or a fork) and a push to any branch or tag but the deploy branch run code nobody reviewed; the
// deploy branch runs reviewed code, of which exactly one job (the deploy workflow, in the deploy
// environment) is the declared deploy pipeline; other repositories are anyone on GitHub.
// Claims: https://docs.github.com/en/actions/reference/security/oidc (sub, ref, job_workflow_ref,
// environment, event_name, repository). Any job may name any environment, so every origin is
// paired with every environment; any workflow file may be added by the code under test, so every
// origin is paired with every workflow file (and with none, for an STS that does not pass
// job_workflow_ref on).
import { allConditions, PolicyDocument } from "../../policypack/iam";

/** GitHub's OIDC issuer, and the prefix of its claims as IAM condition keys. */
export const GITHUB_ISSUER = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests. */
export const GITHUB_AUDIENCE = "sts.amazonaws.com";

/** Which job the deploy identity trusts: the security stack's `ciDeployPin` output. */
export interface DeployPin {
    /** OWNER/REPO. */
    readonly repository: string;
    readonly environment: string;
    readonly branch: string;
    /** The workflow file's path, e.g. `.github/workflows/deploy.yml`. */
    readonly workflow: string;
}

/** Who can make a job with these claims run. */
export type TokenOrigin =
    "pull-request" | "other-branch" | "tag" | "other-repository" | "deploy-branch";

/** Origins that run code nobody reviewed: a pull request can reach each of them. */
export const UNREVIEWED_ORIGINS: readonly TokenOrigin[] = [
    "pull-request",
    "other-branch",
    "tag",
    "other-repository",
];

export interface GithubToken {
    /** Claim name to value, e.g. `sub` to `repo:o/r:pull_request`. */
    readonly claims: Readonly<Record<string, string>>;
    readonly origin: TokenOrigin;
    /** True for the one claim set the deploy pin names. */
    readonly deploy: boolean;
}

/** `GitHub token <origin> sub=... job_workflow_ref=...`: how paths name a token. */
export function describeToken(t: GithubToken): string {
    const wf = t.claims.job_workflow_ref
        ? ` job_workflow_ref=${t.claims.job_workflow_ref}`
        : " (no job_workflow_ref)";
    return `GitHub token (${t.origin}) sub=${t.claims.sub}${wf}`;
}

/** The IAM request context of a token: each claim as `token.actions.githubusercontent.com:<claim>`. */
export function tokenContext(t: GithubToken): Record<string, string> {
    return Object.fromEntries(
        Object.entries(t.claims).map(([k, v]) => [`${GITHUB_ISSUER}:${k}`, v]),
    );
}

/** What trust policies name, claim by claim (wildcard values are skipped: they name nothing). */
export interface MentionedClaims {
    readonly repositories: readonly string[];
    readonly environments: readonly string[];
    readonly branches: readonly string[];
    readonly workflows: readonly string[];
}

const literal = (v: string) => v !== "" && !/[*?]|\$\{/.test(v);

/** The repositories, environments, branches and workflow files the documents' GitHub claims name. */
export function mentionedClaims(docs: readonly PolicyDocument[]): MentionedClaims {
    const repositories = new Set<string>();
    const environments = new Set<string>();
    const branches = new Set<string>();
    const workflows = new Set<string>();
    for (const c of docs.flatMap(allConditions)) {
        if (!c.keyLower.startsWith(`${GITHUB_ISSUER}:`)) continue;
        const claim = c.keyLower.slice(GITHUB_ISSUER.length + 1);
        for (const v of c.values) {
            const sub = /^repo:([^:]+):(.*)$/.exec(v);
            if (claim === "sub" && sub) {
                if (literal(sub[1])) repositories.add(sub[1]);
                const env = /^environment:(.+)$/.exec(sub[2]);
                if (env && literal(env[1])) environments.add(env[1]);
                const branch = /^ref:refs\/heads\/(.+)$/.exec(sub[2]);
                if (branch && literal(branch[1])) branches.add(branch[1]);
            }
            const wf = /^([^/]+\/[^/]+)\/(.+)@(.+)$/.exec(v);
            if (claim === "job_workflow_ref" && wf) {
                if (literal(wf[1])) repositories.add(wf[1]);
                if (literal(wf[2])) workflows.add(wf[2]);
                const branch = /^refs\/heads\/(.+)$/.exec(wf[3]);
                if (branch && literal(branch[1])) branches.add(branch[1]);
            }
            if (claim === "environment" && literal(v)) environments.add(v);
            if (claim === "repository" && literal(v)) repositories.add(v);
        }
    }
    const sorted = (s: Set<string>) => [...s].sort();
    return {
        repositories: sorted(repositories),
        environments: sorted(environments),
        branches: sorted(branches),
        workflows: sorted(workflows),
    };
}

/** Names no configuration uses: an environment, branch, workflow and repository of the attacker's choosing. */
const ANY_ENVIRONMENT = "zq9-any-environment";
const ANY_BRANCH = "zq9-any-branch";
const ANY_WORKFLOW = ".github/workflows/zq9-any-workflow.yml";
const OTHER_REPOSITORY = "zq9-attacker/zq9-fork";

/**
 * Every claim set that matters: for each repository (the pinned one, those the trust policies name,
 * and one nobody names), each way a job can start (pull request, push to another branch, tag, push
 * to the deploy branch), each environment it may name (or none), and each workflow file (or no
 * job_workflow_ref claim at all).
 */
export function githubTokens(
    pin: DeployPin | undefined,
    mentioned: MentionedClaims,
): GithubToken[] {
    const repositories = [
        ...new Set([...(pin ? [pin.repository] : []), ...mentioned.repositories]),
    ];
    const environments = [
        ...new Set([...(pin ? [pin.environment] : []), ...mentioned.environments, ANY_ENVIRONMENT]),
    ];
    const workflows = [
        ...new Set([...(pin ? [pin.workflow] : []), ...mentioned.workflows, ANY_WORKFLOW]),
    ];
    const branches = [...new Set([...mentioned.branches, ANY_BRANCH])].filter(
        (b) => b !== pin?.branch,
    );
    const starts: { origin: TokenOrigin; ref: string; event: string; refSub: string }[] = [
        {
            origin: "pull-request",
            ref: "refs/pull/1/merge",
            event: "pull_request",
            refSub: "pull_request",
        },
        ...branches.map((b) => ({
            origin: "other-branch" as const,
            ref: `refs/heads/${b}`,
            event: "push",
            refSub: `ref:refs/heads/${b}`,
        })),
        { origin: "tag", ref: "refs/tags/zq9", event: "push", refSub: "ref:refs/tags/zq9" },
        ...(pin
            ? [
                  {
                      origin: "deploy-branch" as const,
                      ref: `refs/heads/${pin.branch}`,
                      event: "push",
                      refSub: `ref:refs/heads/${pin.branch}`,
                  },
              ]
            : []),
    ];
    const tokens: GithubToken[] = [];
    const add = (repo: string, origin: TokenOrigin, s: (typeof starts)[number]) => {
        for (const env of [undefined, ...environments]) {
            const sub = `repo:${repo}:${env === undefined ? s.refSub : `environment:${env}`}`;
            for (const wf of [undefined, ...workflows]) {
                const claims: Record<string, string> = {
                    aud: GITHUB_AUDIENCE,
                    sub,
                    ref: s.ref,
                    repository: repo,
                    event_name: s.event,
                    ...(env === undefined ? {} : { environment: env }),
                    ...(wf === undefined ? {} : { job_workflow_ref: `${repo}/${wf}@${s.ref}` }),
                };
                const deploy =
                    pin !== undefined &&
                    origin === "deploy-branch" &&
                    repo === pin.repository &&
                    env === pin.environment &&
                    wf === pin.workflow;
                tokens.push({ claims, origin, deploy });
            }
        }
    };
    for (const repo of repositories) for (const s of starts) add(repo, s.origin, s);
    // Anyone on GitHub: another repository's jobs, from any start.
    for (const s of starts) add(OTHER_REPOSITORY, "other-repository", s);
    return tokens;
}
