import type { MetadataRoute } from "next";

// Lets a browser install the console or pin it with its own name and icon.
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Switchyard",
    short_name: "Switchyard",
    description: "Ship ONNX models to production and keep them healthy",
    start_url: "/",
    display: "standalone",
    background_color: "#f8fafc",
    theme_color: "#4f46e5",
    icons: [{ src: "/favicon.svg", type: "image/svg+xml", sizes: "any" }],
  };
}
