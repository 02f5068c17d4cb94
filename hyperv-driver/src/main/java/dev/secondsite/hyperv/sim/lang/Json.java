package dev.secondsite.hyperv.sim.lang;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * {@code ConvertTo-Json} and {@code ConvertFrom-Json} as Windows PowerShell 5.1 (JavaScriptSerializer) and
 * PowerShell 7 (Newtonsoft.Json) write and read JSON.
 */
final class Json {
    private Json() {
    }

    private static final Pattern ISO_DATE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,7})?)?(Z|[+-]\\d{2}:\\d{2})?");

    // ---- writing

    static String write(@Nullable Object value, int depth, boolean compress, JsonFlavor flavor) {
        StringBuilder sb = new StringBuilder(128);
        new Writer(sb, depth, compress, flavor).value(value, 0, 0);
        return sb.toString();
    }

    private record Writer(StringBuilder sb, int depth, boolean compress, JsonFlavor flavor) {
        private int indentUnit() {
            return flavor == JsonFlavor.POWERSHELL_7 ? 2 : 4;
        }

        private void newline(int level) {
            if (!compress) {
                sb.append("\r\n");
                sb.append(" ".repeat(level * indentUnit()));
            }
        }

        void value(@Nullable Object v, int level, int indent) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                string(s);
            } else if (v instanceof Boolean b) {
                sb.append(b ? "true" : "false");
            } else if (v instanceof Integer || v instanceof Long) {
                sb.append(v);
            } else if (v instanceof Double d) {
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    string(Values.formatDouble(d));
                } else {
                    String s = Values.formatDouble(d);
                    if (flavor == JsonFlavor.POWERSHELL_7 && s.indexOf('.') < 0 && s.indexOf('E') < 0) {
                        s = s + ".0";
                    }
                    sb.append(s);
                }
            } else if (v instanceof PsEnum e) {
                sb.append(e.value());
            } else if (v instanceof Values.PsSwitch s) {
                sb.append("{");
                newline(indent + 1);
                member("IsPresent", indent);
                sb.append(s.present() ? "true" : "false");
                newline(indent);
                sb.append("}");
            } else if (v instanceof OffsetDateTime t) {
                date(t);
            } else if (level >= depth && level > 0) {
                string(Values.str(v instanceof List ? "System.Object[]" : v));
            } else if (v instanceof List<?> list) {
                array(list, level, indent);
            } else if (v instanceof PsObject o) {
                List<String> names = o.propertyNames();
                List<Object> values = new ArrayList<>(names.size());
                for (String n : names) {
                    values.add(o.get(n));
                }
                object(names, values, level, indent);
            } else if (v instanceof PsHashtable h) {
                List<String> names = h.keys();
                List<Object> values = new ArrayList<>(names.size());
                for (String n : names) {
                    values.add(h.get(n));
                }
                object(names, values, level, indent);
            } else if (v instanceof PsSecureString s) {
                object(List.of("Length"), List.of(s.length()), level, indent);
            } else if (v instanceof ErrorRecord e) {
                string(e.message());
            } else {
                string(Values.str(v));
            }
        }

        private void member(String name, int indent) {
            string(name);
            sb.append(compress ? ":" : flavor == JsonFlavor.POWERSHELL_7 ? ": " : ":  ");
        }

        private void object(List<String> names, List<Object> values, int level, int indent) {
            if (names.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                newline(indent + 1);
                member(names.get(i), indent);
                value(values.get(i), level + 1, indent + 1);
            }
            newline(indent);
            sb.append('}');
        }

        private void array(List<?> list, int level, int indent) {
            if (list.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                newline(indent + 1);
                value(list.get(i), level + 1, indent + 1);
            }
            newline(indent);
            sb.append(']');
        }

        private void date(OffsetDateTime t) {
            if (flavor == JsonFlavor.WINDOWS_POWERSHELL_5_1) {
                sb.append("\"\\/Date(").append(t.toInstant().toEpochMilli()).append(")\\/\"");
                return;
            }
            // Newtonsoft's round-trip format drops trailing zeros of the fraction
            String s = Values.roundTrip(t);
            int dot = s.indexOf('.', 19);
            int zone = s.length() - (s.endsWith("Z") ? 1 : 6);
            String fraction = s.substring(dot + 1, zone).replaceAll("0+$", "");
            sb.append('"').append(s, 0, dot);
            if (!fraction.isEmpty()) {
                sb.append('.').append(fraction);
            }
            sb.append(s.substring(zone)).append('"');
        }

        private void string(String s) {
            sb.append('"');
            boolean v51 = flavor == JsonFlavor.WINDOWS_POWERSHELL_5_1;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\b': sb.append("\\b"); break;
                    case '\f': sb.append("\\f"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        boolean html = v51 && (c == '<' || c == '>' || c == '&' || c == '\'');
                        boolean newlineLike = !v51 && (c == '\u0085' || c == '\u2028' || c == '\u2029');
                        if (c < 0x20 || html || newlineLike) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                }
            }
            sb.append('"');
        }
    }

    // ---- reading

    /** A document PowerShell's ConvertFrom-Json refuses, with its message. */
    static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message, null, false, false);
        }
    }

    static @Nullable Object read(String text, JsonFlavor flavor, ZoneId zone) throws JsonException {
        Reader r = new Reader(text, flavor, zone);
        r.skipSpace();
        Object v = r.value();
        r.skipSpace();
        if (r.pos < text.length()) {
            throw r.invalid();
        }
        return v;
    }

    private static final class Reader {
        private final String s;
        private final JsonFlavor flavor;
        private final ZoneId zone;
        private int pos;

        Reader(String s, JsonFlavor flavor, ZoneId zone) {
            this.s = s;
            this.flavor = flavor;
            this.zone = zone;
        }

        JsonException invalid() {
            if (flavor == JsonFlavor.WINDOWS_POWERSHELL_5_1) {
                int end = pos;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && ",]}".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
                String primitive = s.substring(Math.min(pos, s.length()), Math.min(Math.max(end, pos), s.length()));
                return new JsonException("Invalid JSON primitive: " + primitive + ".");
            }
            return new JsonException("Conversion from JSON failed with error: Unexpected character encountered while"
                    + " parsing value: " + (pos < s.length() ? s.charAt(pos) : "end of input") + ". Path '', line 1,"
                    + " position " + pos + ".");
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        @Nullable Object value() throws JsonException {
            if (pos >= s.length()) {
                throw invalid();
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw invalid();
            }
        }

        private @Nullable Object literal(String word, @Nullable Object value) throws JsonException {
            if (!s.startsWith(word, pos)) {
                throw invalid();
            }
            pos += word.length();
            return value;
        }

        private Object number() throws JsonException {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            boolean decimal = false;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && decimal)) {
                    decimal = true;
                    pos++;
                } else {
                    break;
                }
            }
            String text = s.substring(start, pos);
            try {
                return Lexer.parseNumber(text, decimal);
            } catch (NumberFormatException bad) {
                pos = start;
                throw invalid();
            }
        }

        private Object object() throws JsonException {
            pos++;
            PsObject o = new PsObject("System.Management.Automation.PSCustomObject");
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return o;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw invalid();
                }
                String key = (String) string();
                if (key.isEmpty() && flavor == JsonFlavor.WINDOWS_POWERSHELL_5_1) {
                    throw new JsonException("Cannot process argument because the value of argument \"name\" is "
                            + "not valid. Change the value of the \"name\" argument and run the operation again.");
                }
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    throw invalid();
                }
                pos++;
                skipSpace();
                o.put(key, value());
                skipSpace();
                if (pos >= s.length()) {
                    throw invalid();
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return o;
                }
                if (c != ',') {
                    pos--;
                    throw invalid();
                }
            }
        }

        private List<Object> array() throws JsonException {
            pos++;
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                if (pos >= s.length()) {
                    throw invalid();
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw invalid();
                }
            }
        }

        private Object string() throws JsonException {
            int start = pos;
            pos++;
            StringBuilder sb = null;
            int runStart = pos;
            while (true) {
                if (pos >= s.length()) {
                    pos = start;
                    throw invalid();
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (sb == null) {
                        sb = new StringBuilder();
                    }
                    sb.append(s, runStart, pos);
                    if (pos + 1 >= s.length()) {
                        throw invalid();
                    }
                    char e = s.charAt(pos + 1);
                    switch (e) {
                        case '"': sb.append('"'); break;
                        case '\\': sb.append('\\'); break;
                        case '/': sb.append('/'); break;
                        case 'b': sb.append('\b'); break;
                        case 'f': sb.append('\f'); break;
                        case 'n': sb.append('\n'); break;
                        case 'r': sb.append('\r'); break;
                        case 't': sb.append('\t'); break;
                        case 'u':
                            if (pos + 6 > s.length()) {
                                throw invalid();
                            }
                            try {
                                sb.append((char) Integer.parseInt(s.substring(pos + 2, pos + 6), 16));
                            } catch (NumberFormatException bad) {
                                throw invalid();
                            }
                            pos += 4;
                            break;
                        default: throw invalid();
                    }
                    pos += 2;
                    runStart = pos;
                    continue;
                }
                pos++;
            }
            String value = sb == null ? s.substring(runStart, pos) : sb.append(s, runStart, pos).toString();
            String raw = s.substring(start + 1, pos);
            pos++;
            if (flavor == JsonFlavor.WINDOWS_POWERSHELL_5_1) {
                // JavaScriptSerializer turns only the escaped form "\/Date(ms)\/" into a DateTime
                if (raw.startsWith("\\/Date(") && raw.endsWith(")\\/")) {
                    String ms = raw.substring(7, raw.length() - 3);
                    int sign = Math.max(ms.indexOf('+', 1), ms.indexOf('-', 1));
                    try {
                        long millis = Long.parseLong(sign > 0 ? ms.substring(0, sign) : ms);
                        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), zone);
                    } catch (NumberFormatException notDate) {
                        return value;
                    }
                }
                return value;
            }
            if (value.length() >= 16 && value.charAt(4) == '-' && ISO_DATE.matcher(value).matches()) {
                try {
                    return Values.toDateTime(value, ZoneOffset.UTC);
                } catch (Values.ConversionException notDate) {
                    return value;
                }
            }
            return value;
        }
    }
}
