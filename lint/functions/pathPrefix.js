// verify-path-prefix: every path begins /v1/, so the version is in every URL and a v2 can live beside it.
export default function pathPrefix(paths) {
  return Object.keys(paths ?? {})
    .filter((path) => !path.startsWith("/v1/"))
    .map((path) => ({ message: `Path "${path}" must begin with /v1/`, path: ["paths", path] }));
}
