/** A verdict of the pack, as policy:check prints it. */
export interface ReportedViolation {
    readonly policy: string;
    readonly resource: string;
    readonly urn?: string;
    readonly message: string;
    readonly enforcementLevel: string;
}

/** policy:check's readable output: a summary line, then each violation with its message. */
export function readableReport(violations: readonly ReportedViolation[], count: number): string {
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
        lines.push(
            `${v.enforcementLevel.padEnd(9)} ${v.policy}  ${v.resource}${v.urn ? `  (${v.urn})` : ""}`,
        );
        lines.push(`          ${v.message}`, "");
    }
    return lines.join("\n");
}
