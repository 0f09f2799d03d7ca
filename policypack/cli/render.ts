/** A verdict of the pack, as policy:check prints it. */
export interface ReportedViolation {
    readonly policy: string;
    readonly resource: string;
    readonly urn?: string;
    readonly message: string;
    readonly enforcementLevel: string;
    /** Its stable id: what a suppression lists in `findings` to accept it. */
    readonly finding?: string;
}

/** A verdict with where policy:check found it. */
export interface CheckedViolation extends ReportedViolation {
    /** Of a stack export: found in the resource's inputs (what was asked) or only in its outputs (what is deployed). */
    readonly source?: "inputs" | "outputs";
    /** The stack, when the input held several. */
    readonly stack?: string;
}

/** The suppressions of the pack config and what they did: the check's readable output ends with them. */
export function suppressionLines(
    uses: readonly {
        policy: string;
        suppression: { resource: string; reason: string; expires: string };
        status: string;
        matched: number;
    }[],
): string[] {
    if (uses.length === 0) return [];
    const lines = ["", `suppressions (${uses.length}):`];
    for (const u of uses) {
        const s = u.suppression;
        const what =
            u.status === "active"
                ? `hides ${u.matched} violation(s)`
                : u.status === "expired"
                  ? `EXPIRED on ${s.expires}: its violations are reported again`
                  : "warning: matches no violation (remove it, or fix its resource or findings)";
        lines.push(
            `  ${u.status.padEnd(7)} ${u.policy}  ${s.resource}  until ${s.expires}: ${what}`,
        );
        lines.push(`          reason: ${s.reason}`);
    }
    return lines;
}

/** policy:check's readable output: a summary line, then each violation with its message. */
export function readableReport(violations: readonly CheckedViolation[], count: number): string {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const lines: string[] = [];
    if (violations.length === 0)
        lines.push(`org-access-guard: no violations in ${count} resource(s).`);
    else
        lines.push(
            `org-access-guard: ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s) in ${count} resource(s).`,
            "",
        );
    for (const v of violations) {
        const resource = `${v.stack ? `${v.stack}/` : ""}${v.resource}`;
        const from = v.source === "outputs" ? " (from outputs)" : "";
        lines.push(
            `${v.enforcementLevel.padEnd(9)} ${v.policy}  ${resource}${v.urn ? `  (${v.urn})` : ""}${from}`,
        );
        lines.push(`          ${v.message}`);
        if (v.finding) lines.push(`          finding ${v.finding}`);
        lines.push("");
    }
    return lines.join("\n");
}
