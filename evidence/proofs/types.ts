// The shape every proof shares. A proof examines everything of one kind that the plan contains
// (every audit role, every trust policy, every path in the access graph...) and returns what it
// examined and every counterexample it found. It holds only when it examined something and found
// nothing: a proof that examined nothing proves nothing, so it fails.
import type { ModelResource } from "../../policypack/model/resources";
import type { StackKind } from "../../stacks/names";
import type { AccessModel } from "../model";

export type ProofId =
    | "audit-no-write"
    | "audit-no-data-read"
    | "humans-need-mfa"
    | "no-outside-principal"
    | "only-break-glass-reaches-admin"
    | "ci-preview-cannot-deploy"
    | "logs-immutable"
    | "within-iam-quotas";

/** One violation of a proof, in terms a person can act on. */
export interface Counterexample {
    /** Who can do it: an ARN, or a description such as `GitHub token sub=repo:o/r:pull_request`. */
    readonly principal: string;
    /** How they get there: the principals passed through, first to last (empty: directly). */
    readonly path: readonly string[];
    /** What they can do (an IAM action), or what is exceeded (a quota). */
    readonly action: string;
    /** On what: an ARN, or the resource the quota counts. */
    readonly resource: string;
    /** The statements that decided it, as `<policy label> <statement label>`. */
    readonly statements: readonly string[];
    /** One sentence: what is wrong and where to change it. */
    readonly reason: string;
}

/** What a proof works on: one planned stack, seen with the security stack it trusts. */
export interface ProofInput {
    readonly stack: string;
    readonly kind: StackKind;
    readonly model: AccessModel;
    /** The stack's planned resources, in the neutral shape the pack reads. */
    readonly resources: readonly ModelResource[];
    /**
     * The security stack's planned resources, when it was planned (the same array as `resources`
     * for the security stack itself).
     */
    readonly security?: readonly ModelResource[];
    /** The stack's outputs (merged over the security stack's, as the model reads them). */
    readonly outputs: Readonly<Record<string, unknown>>;
}

export interface ProofOutcome {
    /** How many things were examined; the unit is the proof's own (see `unit`). */
    readonly checked: number;
    readonly counterexamples: readonly Counterexample[];
    /** What the proof took as given (its trust base), for the report. */
    readonly assumptions?: readonly string[];
}

export interface Proof {
    readonly id: ProofId;
    /** The property, as a sentence: "every audit role is allowed no write action". */
    readonly statement: string;
    /** What `checked` counts, plural: "role-action pairs", "trust policies"... */
    readonly unit: string;
    /** The stack kinds whose plans carry this proof. */
    readonly appliesTo: readonly StackKind[];
    /**
     * Whether the plan has anything of the proof's kind, when a stack kind may or may not have it
     * (the security stack plans audit roles only with IAM Identity Center): a proof left out is
     * not run, so it neither holds nor fails. Absent: always.
     */
    appliesWhen?(input: ProofInput): boolean;
    prove(input: ProofInput): ProofOutcome;
}

/** A proof's result, as the plan's JSON and the report carry it. */
export interface ProofResult {
    readonly id: ProofId;
    readonly statement: string;
    readonly holds: boolean;
    readonly checked: number;
    readonly unit: string;
    readonly counterexamples: readonly Counterexample[];
    readonly assumptions: readonly string[];
}
