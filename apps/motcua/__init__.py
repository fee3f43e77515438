"""motcua — Hệ thống thông tin một cửa điện tử (electronic one-stop shop)."""
