/**
 * Customer-managed permissions boundaries judged against the plan: the BoundaryJudge of a stack
 * check (bounds.ts). AWS's delegation pattern lets a role or user create roles and users, and
 * write their policies, only with a given customer-managed boundary
 * (`"iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/DevBoundary"`), which it cannot
 * edit or remove; whatever it hands out is then capped by that boundary.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 *
 * A named policy caps only when all of these hold:
 * - it is an aws.iam.Policy of the plan (by ARN, or by account + path + name), and its document is
 *   known (not unknown during preview, and IAM would accept it);
 * - it is not admin-equivalent and grants no escalation that escapes it (findAdminGrants, with
 *   this judge: a boundary whose own grants are pinned to itself caps, as AWS's example does);
 * - neither the caller nor the principals it bounds can rewrite it (a new default version, an
 *   older version made default, or deleting it and creating it again under the same ARN);
 * - it grants what it bounds no way to drop or replace it: no iam:Delete{Role,User}Permissions-
 *   Boundary on any resource (a grant on `role/app-*` lets the roles it bounds remove their own),
 *   no iam:Put{Role,User}PermissionsBoundary unless pinned to boundaries that cap (bounds.ts
 *   boundaryMutation);
 * - a principal holding only it (and bounded by it) is not admin-equivalent through what it
 *   holds (principal.ts findPrincipalAdmin) nor runs code as an admin role of the plan
 *   (findComputeAdmin with the plan's admin roles and compute, when the stack check has them).
 * The same whole-principal checks judge a known, not admin-equivalent AWS-managed boundary
 * (its document from the generated table): AmazonSSMFullAccess allows ssm:SendCommand on every
 * instance, so with an instance of the plan running as an admin role it caps nothing.
 * A name the plan gives several policies of (unpinned providers land in one default account)
 * caps only when each of them does.
 * Anything else (no such policy, an unknown document, an admin-equivalent or writable one) does
 * not cap: nothing unread is assumed to make a grant safe.
 */
import { findAdminGrants } from "./admin";
import { iamArn, iamRoleArn, parseArn, PROBE_PARTITION } from "./arn";
import { BoundaryJudge, boundaryMutation, rewriteOf } from "./bounds";
import { PolicyDocument, statementLabel } from "./document";
import { principalManagedDocument } from "./managed";
import {
    ComputeNeighbours,
    findComputeAdmin,
    findPrincipalAdmin,
    PrincipalNeighbours,
    PrincipalPolicies,
} from "./principal";
import { PROBE_ACCOUNT } from "./privileges";

/** A customer-managed policy of the plan. */
export interface PlannedPolicy {
    /** Its ARN, with its account when the plan pins it (else PROBE_ACCOUNT) and its path. */
    readonly arn: string;
    /** The account it lands in, when the plan pins it. */
    readonly account?: string;
    /** Its document; undefined when not known. */
    readonly doc?: PolicyDocument;
    /** Why the document is not known (for messages), when it is not. */
    readonly unknown?: string;
}

/**
 * What a principal of one account (undefined: not pinned by the plan) may reach in the plan: its
 * admin-equivalent roles with the compute running as them, and the roles, users and admin groups
 * it may take over; undefined when the caller does not know them.
 */
export type PlanCompute = (
    account: string | undefined,
) => { compute: ComputeNeighbours; principals: PrincipalNeighbours } | undefined;

function add<K, V>(m: Map<K, V[]>, k: K, v: V): void {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
}

/** The plan's customer-managed policies, indexed once per stack. */
export class PlannedPolicies {
    /** Every planned policy of an ARN (two providers, or an unpinned one, may plan the same). */
    private readonly byArn = new Map<string, PlannedPolicy[]>();
    /** Policies whose account the plan does not pin, by `<path><name>`. */
    private readonly unpinned = new Map<string, PlannedPolicy[]>();
    private readonly judges = new Map<string, PlannedBoundaries>();
    /**
     * @param compute the plan's admin roles and compute, for judging whether a boundary lets what
     * it bounds run code as them (withCompute); without it that is not judged.
     */
    constructor(
        private readonly policies: readonly PlannedPolicy[],
        readonly compute?: PlanCompute,
    ) {
        for (const p of policies) {
            add(this.byArn, p.arn, p);
            const resource = parseArn(p.arn)?.resource;
            if (p.account === undefined && resource) add(this.unpinned, resource, p);
        }
    }

    /** The same policies, judged with the plan's admin roles and compute. */
    withCompute(compute: PlanCompute): PlannedPolicies {
        return new PlannedPolicies(this.policies, compute);
    }

    /**
     * The planned policies an ARN names, seen from `account` (the caller's; PROBE_ACCOUNT in the
     * ARN stands for it). A policy whose account the plan does not pin matches by path and name
     * only for a caller whose account is not pinned either: both land in the same default account.
     */
    find(arn: string, account: string | undefined): readonly PlannedPolicy[] {
        const a = parseArn(arn);
        if (!a || a.service !== "iam" || !a.resource.startsWith("policy/")) return [];
        const own = a.account === PROBE_ACCOUNT && account !== undefined ? account : a.account;
        const direct = this.byArn.get(iamArn(a.partition, own, a.resource));
        if (direct) return direct;
        return (account === undefined && this.unpinned.get(a.resource)) || [];
    }

    /** The judge for callers in `account` (undefined: not pinned by the plan). */
    judgeFor(account: string | undefined): PlannedBoundaries {
        const key = account ?? "";
        let j = this.judges.get(key);
        if (!j) this.judges.set(key, (j = new PlannedBoundaries(this, account)));
        return j;
    }
}

let judges = 0;

export class PlannedBoundaries implements BoundaryJudge {
    readonly id = `plan-${++judges}`;
    /** Why each planned boundary does not cap on its own; null when it caps. */
    private readonly verdicts = new Map<PlannedPolicy, string | null>();
    private readonly managedVerdicts = new Map<string, string | null>();
    /**
     * @param assumed boundaries being judged (their own pins to themselves are taken to cap, so a
     * boundary that lets what it bounds create roles only with itself caps); answers found under
     * an assumption are not kept.
     */
    constructor(
        private readonly plan: PlannedPolicies,
        private readonly account: string | undefined,
        private readonly assumed: ReadonlySet<PlannedPolicy> = new Set(),
    ) {}

    uncapped(arn: string, callers: readonly PolicyDocument[]): string | undefined {
        const found = this.plan.find(arn, this.account);
        if (found.length === 0)
            return "no aws.iam.Policy of the plan has this ARN, so its document is not known";
        for (const p of found) {
            if (this.assumed.has(p)) continue;
            const own = this.verdict(p);
            if (own)
                return found.length > 1 ? `one of the policies the plan names so: ${own}` : own;
        }
        const w = rewriteOf(found[0].arn, callers);
        return w && `the caller may rewrite it: ${w}`;
    }

    uncappedManaged(arn: string): string | undefined {
        const cached = this.managedVerdicts.get(arn);
        if (cached !== undefined) return cached ?? undefined;
        const doc = principalManagedDocument(arn);
        const why = doc ? this.holderEscapes(doc, arn, this) : "its document is not known";
        if (this.assumed.size === 0) this.managedVerdicts.set(arn, why ?? null);
        return why;
    }

    private verdict(p: PlannedPolicy): string | undefined {
        const cached = this.verdicts.get(p);
        if (cached !== undefined) return cached ?? undefined;
        const why = this.judge(p);
        if (this.assumed.size === 0) this.verdicts.set(p, why ?? null);
        return why;
    }

    private judge(p: PlannedPolicy): string | undefined {
        if (!p.doc) return `its document is not known (${p.unknown ?? "not readable"})`;
        const inner = new PlannedBoundaries(this.plan, this.account, new Set([...this.assumed, p]));
        const [f] = findAdminGrants(p.doc, inner);
        if (f) return `it is admin-equivalent itself: ${statementLabel(f.statement)} ${f.detail}`;
        const w = rewriteOf(p.arn, [p.doc]);
        if (w) return `what it bounds may rewrite it: ${w}`;
        return this.holderEscapes(p.doc, p.arn, inner);
    }

    /**
     * Why a principal bounded by (and holding only) the boundary `doc` escapes it: it may drop or
     * replace its own boundary, it is admin-equivalent through what it holds, or it runs code as
     * an admin role of the plan.
     */
    private holderEscapes(
        doc: PolicyDocument,
        arn: string,
        judge: BoundaryJudge,
    ): string | undefined {
        const account = this.account ?? PROBE_ACCOUNT;
        for (const target of ["role", "user"] as const) {
            const m = boundaryMutation(doc, target, judge, [account]);
            if (m) return `what it bounds may remove or replace its own boundary: ${m}`;
        }
        const label = "the boundary";
        const holder: PrincipalPolicies = {
            kind: "role",
            arn: iamRoleArn(PROBE_PARTITION, account, "zq9-bounded"),
            identity: [{ label, doc }],
            boundary: { arn, policy: { label, doc } },
            managed: [],
            groups: [],
            boundaries: judge,
        };
        const n = this.plan.compute?.(this.account);
        // Rewriting its own policies stays within the boundary (its removal is asked above);
        // taking over a planned role or user, or joining an admin group, does not.
        const [f] = findPrincipalAdmin(holder, n?.principals).filter(
            (x) => x.reason !== "self-escalation",
        );
        if (f) return `what it bounds is admin-equivalent through it: ${f.detail}`;
        const [c] = n ? findComputeAdmin(holder, n.compute) : [];
        if (c) return `what it bounds may run code as an admin role of the plan: ${c.detail}`;
        return undefined;
    }
}
