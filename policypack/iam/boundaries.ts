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
 *   older version made default, or deleting it and creating it again under the same ARN).
 * Anything else (no such policy, an unknown document, an admin-equivalent or writable one) does
 * not cap: nothing unread is assumed to make a grant safe.
 */
import { findAdminGrants } from "./admin";
import { iamArn, parseArn } from "./arn";
import { BoundaryJudge, rewriteOf } from "./bounds";
import { PolicyDocument, statementLabel } from "./document";
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

/** The plan's customer-managed policies, indexed once per stack. */
export class PlannedPolicies {
    private readonly byArn = new Map<string, PlannedPolicy>();
    /** Policies whose account the plan does not pin, by `<path><name>`. */
    private readonly unpinned = new Map<string, PlannedPolicy>();
    private readonly judges = new Map<string, PlannedBoundaries>();
    constructor(policies: readonly PlannedPolicy[]) {
        for (const p of policies) {
            this.byArn.set(p.arn, p);
            const resource = parseArn(p.arn)?.resource;
            if (p.account === undefined && resource) this.unpinned.set(resource, p);
        }
    }

    /**
     * The planned policy an ARN names, seen from `account` (the caller's; PROBE_ACCOUNT in the ARN
     * stands for it). A policy whose account the plan does not pin matches by path and name only
     * for a caller whose account is not pinned either: both land in the same default account.
     */
    find(arn: string, account: string | undefined): PlannedPolicy | undefined {
        const a = parseArn(arn);
        if (!a || a.service !== "iam" || !a.resource.startsWith("policy/")) return undefined;
        const own = a.account === PROBE_ACCOUNT && account !== undefined ? account : a.account;
        const direct = this.byArn.get(iamArn(a.partition, own, a.resource));
        if (direct) return direct;
        return account === undefined ? this.unpinned.get(a.resource) : undefined;
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
    /** Why each planned boundary (by ARN) does not cap on its own; null when it caps. */
    private readonly verdicts = new Map<string, string | null>();
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
        const p = this.plan.find(arn, this.account);
        if (!p) return "no aws.iam.Policy of the plan has this ARN, so its document is not known";
        if (!this.assumed.has(p)) {
            const own = this.verdict(p);
            if (own) return own;
        }
        const w = rewriteOf(p.arn, callers);
        return w && `the caller may rewrite it: ${w}`;
    }

    private verdict(p: PlannedPolicy): string | undefined {
        const cached = this.verdicts.get(p.arn);
        if (cached !== undefined) return cached ?? undefined;
        const why = this.judge(p);
        if (this.assumed.size === 0) this.verdicts.set(p.arn, why ?? null);
        return why;
    }

    private judge(p: PlannedPolicy): string | undefined {
        if (!p.doc) return `its document is not known (${p.unknown ?? "not readable"})`;
        const inner = new PlannedBoundaries(this.plan, this.account, new Set([...this.assumed, p]));
        const [f] = findAdminGrants(p.doc, inner);
        if (f) return `it is admin-equivalent itself: ${statementLabel(f.statement)} ${f.detail}`;
        const w = rewriteOf(p.arn, [p.doc]);
        if (w) return `what it bounds may rewrite it: ${w}`;
        return undefined;
    }
}
