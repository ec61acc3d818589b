// Scope arithmetic: granted = requested ∩ integration ∩ firm, re-done on every call with the current rows.
export function intersectScopes(wanted: readonly string[], ...allowed: (readonly string[])[]): string[] {
  return wanted.filter((scope, i) => wanted.indexOf(scope) === i && allowed.every((set) => set.includes(scope)));
}
