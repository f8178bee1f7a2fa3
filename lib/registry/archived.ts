/** Why an archived version is refused wherever it would be routed or promoted. */
export const archivedMessage = (model: string, version: number) =>
  `v${version} of "${model}" is archived: unarchive it on its page (or POST …/versions/${version}/unarchive) to route or promote it`;
