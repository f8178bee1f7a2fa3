import type { Signature } from "@/lib/onnx/signature";
import { TableWrap, td, th } from "./ui";

export function SignatureTable({ signature }: { signature: Signature }) {
  const rows = [...signature.inputs.map((s) => ({ ...s, dir: "input" })), ...signature.outputs.map((s) => ({ ...s, dir: "output" }))];
  return (
    <TableWrap>
      <table className="w-full">
        <thead><tr><th className={th}>Direction</th><th className={th}>Name</th><th className={th}>Type</th><th className={th}>Shape</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.dir}-${r.name}`}>
              <td className={td}>{r.dir}</td>
              <td className={`${td} font-mono`}>{r.name}</td>
              <td className={td}>{r.type}</td>
              <td className={`${td} font-mono`}>[{r.shape.join(", ")}]</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
