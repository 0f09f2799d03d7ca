// The organization-wide controls of the security stack as the report shows them: whether
// centralized root access is on, and what IAM Access Analyzer archives and why. Read from the
// security stack's outputs (stacks/security.ts), so the report states what the plan deploys.
import type { ArchiveRuleDefinition } from "../components/accessAnalyzer";
import { ROOT_TASK_POLICIES } from "../components/rootTasks";

export interface OrganizationControls {
    /** The centralized root access features the plan turns on; absent when not configured. */
    readonly rootAccessFeatures?: readonly string[];
    /** The organization's analyzers, when configured. */
    readonly accessAnalyzer?: {
        readonly unusedAccessAge: number;
        /** The Regions with an external-access analyzer (config: accessAnalyzer.regions). */
        readonly regions: readonly string[];
        readonly archiveRules: readonly ArchiveRuleDefinition[];
    };
}

/** The controls in a stack's outputs, or undefined when the stack configures neither. */
export function organizationControlsOf(
    outputs: Record<string, unknown>,
): OrganizationControls | undefined {
    const features = outputs.rootAccessFeatures as string[] | undefined;
    const analyzer = outputs.accessAnalyzer as OrganizationControls["accessAnalyzer"] | undefined;
    if (!features && !analyzer) return undefined;
    return {
        ...(features ? { rootAccessFeatures: features } : {}),
        ...(analyzer
            ? {
                  accessAnalyzer: {
                      unusedAccessAge: analyzer.unusedAccessAge,
                      regions: analyzer.regions,
                      archiveRules: analyzer.archiveRules,
                  },
              }
            : {}),
    };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The report's "Organization controls" section: every archive rule and why, in full. */
export function organizationControlsSection(c: OrganizationControls): string[] {
    const out: string[] = ["### Organization controls", ""];
    if (c.rootAccessFeatures)
        out.push(
            `- **Centralized root access**: ${c.rootAccessFeatures.join(" and ")} on, with trusted access for IAM. A privileged root session in a member account (sts:AssumeRoot) can be opened only from the management account (or IAM's delegated administrator, which this program does not register), for one of AWS's task policies (${ROOT_TASK_POLICIES.join(", ")}), for at most 15 minutes; every call raises the alarm \`org-access-assume-root\`. The SCP \`DenyRootUser\` lets such sessions through and still denies the member accounts' root user itself; the other SCP statements bind both.`,
        );
    if (c.accessAnalyzer) {
        const regions = c.accessAnalyzer.regions;
        out.push(
            `- **IAM Access Analyzer** (CIS AWS 1.20): an organization analyzer for external access in ${regions.length === 1 ? "the Region" : `each of the ${regions.length} Regions`} ${regions.join(", ")} (external access is regional: a Region without an analyzer reports nothing; with guardrails.allowedRegions, the configuration must cover every allowed Region), and one for unused access (findings after ${c.accessAnalyzer.unusedAccessAge} days; IAM is global, one analyzer sees it all), in the security account; active findings of every Region go to the alarm topic. Access between the organization's accounts (the audit, duty and preview roles trusted by the security account) is inside the analyzer's zone of trust and makes no finding, so nothing of it is archived.`,
            "",
        );
        if (c.accessAnalyzer.archiveRules.length === 0)
            out.push("No archive rule: every external-access finding stays active.", "");
        else {
            out.push("| archive rule | archives findings where | why |", "|---|---|---|");
            for (const r of c.accessAnalyzer.archiveRules)
                out.push(
                    `| \`${r.name}\` | ${cell(r.filters.map((f) => `${f.criteria} = ${f.eqs.map((v) => `\`${v}\``).join(" or ")}`).join("; "))} | ${cell(r.reason)} |`,
                );
            out.push("");
        }
    }
    return out;
}
