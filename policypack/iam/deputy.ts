/**
 * The confused deputy: an Allow for an AWS service principal that does not say for whom the
 * service may act. The service then acts for any account's resources: an S3 bucket or SNS topic
 * in another account can invoke the function. Decided with the outsider search
 * (outsiders.ts outsiderScenario, search.ts findAllowWitness): the named service asks, with
 * aws:SourceAccount, aws:SourceArn, aws:SourceOrgID... absent or an outsider's; a statement that
 * pins one of them to the resource owner's values lets no such request in.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html ("If you grant permission
 * to a service principal without specifying the source, other accounts could potentially
 * configure resources in their account to invoke your Lambda function.")
 */
import { PolicyDocument, Statement } from "./document";
import { statementMatchesAction } from "./evaluate";
import { outsiderScenario } from "./outsiders";
import { findAllowWitness, Witness } from "./search";
import { instantiateGlob } from "./wildcard";

export interface DeputyFinding {
    readonly statement: Statement;
    /** The service principal that can be made to act for an outsider. */
    readonly service: string;
    readonly witness: Witness;
}

/**
 * Allow statements whose service principal can act for a resource outside the accounts the
 * document names. `services` are the resource's service prefixes, to probe NotAction statements.
 */
export function findConfusedDeputy(
    doc: PolicyDocument,
    opts: { readonly resource?: string; readonly services?: readonly string[] } = {},
): DeputyFinding[] {
    const out: DeputyFinding[] = [];
    for (const s of doc.statements) {
        if (s.effect !== "Allow") continue;
        for (const service of s.principal?.service ?? []) {
            const probes = s.notAction
                ? (opts.services ?? ["zq9service"]).map((svc) => `${svc}:Zq9Action`)
                : (s.action ?? []).map((a) => instantiateGlob(a, ["Zq9"])[0]);
            let witness: Witness | undefined;
            for (const a of probes) {
                if (!statementMatchesAction(s, a)) continue;
                // Only the named service asks; every key that says for whom it acts takes the
                // values an outsider's resource gives it (or is absent).
                const scenario = {
                    ...outsiderScenario(doc, a, opts.resource),
                    principals: [{ type: "service" as const, service }],
                };
                witness = findAllowWitness(doc, scenario, s);
                if (witness) break;
            }
            if (witness) out.push({ statement: s, service, witness });
        }
    }
    return out;
}
