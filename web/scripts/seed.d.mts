export const AGENTS: string[]
export function seedBigWorkflow(
  base: string,
  options?: { count?: number; width?: number; resolvedShare?: number; claims?: number },
): Promise<{ workflowId: string; ids: string[]; resolved: string[]; claimed: string[] }>
