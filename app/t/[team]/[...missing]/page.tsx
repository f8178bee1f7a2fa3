import { notFound } from "next/navigation";

// Any address under a team that no page answers: the team's 404 page, inside its layout, with status 404.
export default function Missing() {
  notFound();
}
