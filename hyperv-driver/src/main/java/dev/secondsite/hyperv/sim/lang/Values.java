package dev.secondsite.hyperv.sim.lang;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/** PowerShell's conversions, truthiness, comparisons and arithmetic over the interpreter's values. */
final class Values {
    private Values() {
    }

    /** {@code DateTime.MinValue}, what an unbound {@code [datetime]} parameter holds. */
    static final OffsetDateTime MIN_DATE = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final DateTimeFormatter INVARIANT = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter EN_US = DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a", Locale.US);

    /** A conversion PowerShell would refuse, with .NET's message. */
    static final class ConversionException extends Exception {
        private static final long serialVersionUID = 1L;

        ConversionException(String message) {
            super(message, null, false, false);
        }
    }

    static String typeName(@Nullable Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "System.String";
        }
        if (v instanceof Integer) {
            return "System.Int32";
        }
        if (v instanceof Long) {
            return "System.Int64";
        }
        if (v instanceof Double) {
            return "System.Double";
        }
        if (v instanceof Boolean) {
            return "System.Boolean";
        }
        if (v instanceof List) {
            return "System.Object[]";
        }
        if (v instanceof PsHashtable) {
            return "System.Collections.Hashtable";
        }
        if (v instanceof PsObject o) {
            return o.typeName();
        }
        if (v instanceof PsEnum e) {
            return e.typeName();
        }
        if (v instanceof OffsetDateTime) {
            return "System.DateTime";
        }
        if (v instanceof PsScriptBlock) {
            return "System.Management.Automation.ScriptBlock";
        }
        if (v instanceof ErrorRecord) {
            return "System.Management.Automation.ErrorRecord";
        }
        if (v instanceof PsSecureString) {
            return "System.Security.SecureString";
        }
        return v.getClass().getName();
    }

    /** The value as a string, as PowerShell converts it (invariant culture; arrays joined by spaces). */
    static String str(@Nullable Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Double d) {
            return formatDouble(d);
        }
        if (v instanceof Number || v instanceof PsEnum) {
            return v.toString();
        }
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (Object item : list) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(str(item));
            }
            return sb.toString();
        }
        if (v instanceof OffsetDateTime t) {
            return INVARIANT.format(t);
        }
        if (v instanceof PsObject o && o.typeName().equals("System.Management.Automation.PSCustomObject")) {
            StringBuilder sb = new StringBuilder("@{");
            List<String> names = o.propertyNames();
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    sb.append("; ");
                }
                sb.append(names.get(i)).append('=').append(str(o.get(names.get(i))));
            }
            return sb.append('}').toString();
        }
        if (v instanceof PsHashtable) {
            return "System.Collections.Hashtable";
        }
        if (v instanceof ErrorRecord e) {
            return e.message();
        }
        return v.toString();
    }

    /** {@code .ToString()}: like string conversion, but arrays name their type and dates use en-US. */
    static String toStringMethod(Object v) {
        if (v instanceof List) {
            return "System.Object[]";
        }
        if (v instanceof OffsetDateTime t) {
            return EN_US.format(t);
        }
        return str(v);
    }

    static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        String exp = s.substring(e + 1);
        boolean negative = exp.startsWith("-");
        String digits = negative ? exp.substring(1) : exp;
        return mantissa + "E" + (negative ? "-" : "+") + (digits.length() < 2 ? "0" + digits : digits);
    }

    /** ISO 8601 round trip, as {@code .ToString('o')}: seven fractional digits, the offset or Z. */
    static String roundTrip(OffsetDateTime t) {
        String base = String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.%07d", t.getYear(),
                t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 100);
        return base + (t.getOffset().equals(ZoneOffset.UTC) ? "Z" : t.getOffset().getId());
    }

    static boolean truthy(@Nullable Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Integer i) {
            return i != 0;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof PsEnum e) {
            return e.value() != 0;
        }
        if (v instanceof List<?> list) {
            if (list.isEmpty()) {
                return false;
            }
            if (list.size() == 1) {
                Object only = list.get(0);
                return only instanceof List<?> inner ? !inner.isEmpty() : truthy(only);
            }
            return true;
        }
        if (v instanceof PsSwitch s) {
            return s.present();
        }
        return true;
    }

    /** A {@code [switch]} value in a script block; truthy when present. */
    record PsSwitch(boolean present) {
        @Override
        public String toString() {
            return present ? "True" : "False";
        }
    }

    static String quoted(@Nullable Object v) {
        return v instanceof String s ? s : str(v);
    }

    private static ConversionException cannotConvert(@Nullable Object v, String type, String error) {
        String shown = v == null ? "" : v instanceof List || v instanceof PsObject || v instanceof PsHashtable
                ? typeName(v) : str(v);
        return new ConversionException("Cannot convert value \"" + shown + "\" to type \"" + type + "\". Error: \""
                + error + "\"");
    }

    static int toInt(@Nullable Object v) throws ConversionException {
        long l = toLong(v, "System.Int32");
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw cannotConvert(v, "System.Int32", "Value was either too large or too small for an Int32.");
        }
        return (int) l;
    }

    static long toLong(@Nullable Object v) throws ConversionException {
        return toLong(v, "System.Int64");
    }

    private static long toLong(@Nullable Object v, String type) throws ConversionException {
        String small = type.equals("System.Int32") ? "an Int32." : "an Int64.";
        if (v == null) {
            return 0;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            if (Double.isNaN(d) || Math.abs(d) > 9.2e18) {
                throw cannotConvert(v, type, "Value was either too large or too small for " + small);
            }
            return Math.round(Math.rint(d));
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof PsEnum e) {
            return e.value();
        }
        if (v instanceof PsSwitch s) {
            return s.present() ? 1 : 0;
        }
        if (v instanceof String s) {
            String t = s.trim();
            if (t.isEmpty()) {
                return 0;
            }
            try {
                return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
            } catch (NumberFormatException notInteger) {
                try {
                    BigDecimal d = new BigDecimal(t);
                    return d.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
                } catch (NumberFormatException | ArithmeticException bad) {
                    if (t.matches("[+-]?\\d+")) {
                        throw cannotConvert(v, type, "Value was either too large or too small for " + small);
                    }
                    throw cannotConvert(v, type, "Input string was not in a correct format.");
                }
            }
        }
        if (v instanceof List<?> list && list.size() == 1) {
            return toLong(list.get(0), type);
        }
        throw new ConversionException("Cannot convert the \"" + str(v) + "\" value of type \"" + typeName(v)
                + "\" to type \"" + type + "\".");
    }

    static Number toNumber(@Nullable Object v) throws ConversionException {
        if (v instanceof Integer || v instanceof Long || v instanceof Double) {
            return (Number) v;
        }
        if (v instanceof String s) {
            String t = s.trim();
            if (t.isEmpty()) {
                return 0;
            }
            try {
                return (Number) Lexer.parseNumber(t, !t.matches("[+-]?\\d+"));
            } catch (NumberFormatException bad) {
                throw cannotConvert(v, "System.Int32", "Input string was not in a correct format.");
            }
        }
        return toLong(v, "System.Int64");
    }

    /** A [bool] or [switch] parameter: PowerShell takes only Booleans and numbers there. */
    static boolean toBoolParameter(@Nullable Object v) throws ConversionException {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof PsSwitch s) {
            return s.present();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Double) {
            return ((Number) v).doubleValue() != 0;
        }
        if (v instanceof List<?> list && list.size() == 1) {
            return toBoolParameter(list.get(0));
        }
        throw new ConversionException("Cannot convert value \"" + typeName(v) + "\" to type \"System.Boolean\". "
                + "Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.");
    }

    static OffsetDateTime toDateTime(@Nullable Object v, ZoneId zone) throws ConversionException {
        if (v instanceof OffsetDateTime t) {
            return t;
        }
        if (v instanceof String s) {
            String t = s.trim();
            try {
                return OffsetDateTime.parse(t);
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(t).atZone(zone).toOffsetDateTime();
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDateTime.parse(t, DateTimeFormatter.ofPattern("M/d/yyyy H:mm:ss", Locale.ROOT))
                                .atZone(zone).toOffsetDateTime();
                    } catch (DateTimeParseException notInvariant) {
                        try {
                            return LocalDate.parse(t).atStartOfDay(zone).toOffsetDateTime();
                        } catch (DateTimeParseException notDate) {
                            throw cannotConvert(v, "System.DateTime",
                                    "String was not recognized as a valid DateTime.");
                        }
                    }
                }
            }
        }
        if (v instanceof List<?> list && list.size() == 1) {
            return toDateTime(list.get(0), zone);
        }
        if (v == null) {
            throw new ConversionException("Cannot convert null to type \"System.DateTime\".");
        }
        throw new ConversionException("Cannot convert the \"" + str(v) + "\" value of type \"" + typeName(v)
                + "\" to type \"System.DateTime\".");
    }

    /** Adds PowerShell-style: numbers widen, strings concatenate, arrays append, hashtables merge. */
    static Object add(@Nullable Object l, @Nullable Object r) throws ConversionException {
        if (l == null) {
            return r instanceof List<?> list ? new ArrayList<>(list) : r;
        }
        if (l instanceof String s) {
            return s + str(r);
        }
        if (l instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list);
            if (r instanceof List<?> more) {
                out.addAll(more);
            } else {
                out.add(r);
            }
            return out;
        }
        if (l instanceof PsHashtable h) {
            if (!(r instanceof PsHashtable other)) {
                throw new ConversionException("A hash table can only be added to another hash table.");
            }
            PsHashtable out = new PsHashtable();
            for (String k : h.keys()) {
                out.put(k, h.get(k));
            }
            for (String k : other.keys()) {
                if (out.containsKey(k)) {
                    throw new ConversionException("Item has already been added. Key in dictionary: '" + k
                            + "'  Key being added: '" + k + "'");
                }
                out.put(k, other.get(k));
            }
            return out;
        }
        return arithmetic(l, r, true);
    }

    static Object subtract(@Nullable Object l, @Nullable Object r) throws ConversionException {
        if (l == null) {
            return negate(toNumber(r));
        }
        if (l instanceof List || l instanceof PsHashtable || l instanceof PsObject) {
            throw new ConversionException("Method invocation failed because [" + typeName(l)
                    + "] does not contain a method named 'op_Subtraction'.");
        }
        return arithmetic(l, r, false);
    }

    static Object negate(Number n) {
        if (n instanceof Integer i) {
            return i == Integer.MIN_VALUE ? (Object) (-(long) i) : (Object) (-i);
        }
        if (n instanceof Long l) {
            return l == Long.MIN_VALUE ? (Object) (-(double) l) : (Object) (-l);
        }
        return -n.doubleValue();
    }

    private static Object arithmetic(Object l, @Nullable Object r, boolean plus) throws ConversionException {
        if (!(l instanceof Number) && !(l instanceof String) && !(l instanceof Boolean) && !(l instanceof PsEnum)) {
            throw new ConversionException("Method invocation failed because [" + typeName(l)
                    + "] does not contain a method named '" + (plus ? "op_Addition" : "op_Subtraction") + "'.");
        }
        Number a = toNumber(l instanceof Boolean || l instanceof PsEnum ? toLong(l) : l);
        Number b = toNumber(r);
        if (a instanceof Double || b instanceof Double) {
            return plus ? a.doubleValue() + b.doubleValue() : a.doubleValue() - b.doubleValue();
        }
        long x = a.longValue();
        long y = b.longValue();
        try {
            long sum = plus ? Math.addExact(x, y) : Math.subtractExact(x, y);
            boolean bothInt = a instanceof Integer && b instanceof Integer;
            if (bothInt && sum >= Integer.MIN_VALUE && sum <= Integer.MAX_VALUE) {
                return (int) sum;
            }
            return sum;
        } catch (ArithmeticException overflow) {
            return plus ? (double) x + y : (double) x - y;
        }
    }

    /** {@code -eq} between two scalars: the right converts to the left's type; strings ignore case. */
    static boolean equal(@Nullable Object l, @Nullable Object r) {
        if (l == null) {
            return r == null;
        }
        if (r == null) {
            return false;
        }
        if (l instanceof String s) {
            return s.equalsIgnoreCase(str(r));
        }
        if (l instanceof Integer || l instanceof Long || l instanceof Double) {
            try {
                Number b = r instanceof PsEnum e ? (Number) e.value() : toNumber(r);
                if (l instanceof Double || b instanceof Double) {
                    return ((Number) l).doubleValue() == b.doubleValue();
                }
                return ((Number) l).longValue() == b.longValue();
            } catch (ConversionException notNumber) {
                return false;
            }
        }
        if (l instanceof Boolean b) {
            return b == truthy(r);
        }
        if (l instanceof PsEnum e) {
            if (r instanceof PsEnum other) {
                return e.value() == other.value() && e.typeName().equals(other.typeName());
            }
            if (r instanceof Number n) {
                return e.value() == n.longValue();
            }
            return e.name().equalsIgnoreCase(str(r));
        }
        if (l instanceof OffsetDateTime t) {
            try {
                return t.toInstant().equals(toDateTime(r, t.getOffset()).toInstant());
            } catch (ConversionException notDate) {
                return false;
            }
        }
        return l.equals(r);
    }

    /** Ordering for {@code -gt}/{@code -lt} and Sort-Object; strings ignore case. */
    static int compare(@Nullable Object l, @Nullable Object r) throws ConversionException {
        if (l == null) {
            return r == null ? 0 : -1;
        }
        if (r == null) {
            return 1;
        }
        if (l instanceof String s) {
            return Integer.signum(s.compareToIgnoreCase(str(r)));
        }
        if (l instanceof Integer || l instanceof Long || l instanceof Double) {
            Number b = r instanceof PsEnum e ? (Number) e.value() : toNumber(r);
            return Double.compare(((Number) l).doubleValue(), b.doubleValue());
        }
        if (l instanceof PsEnum e) {
            long other = r instanceof PsEnum o ? o.value() : r instanceof Number n ? n.longValue() : Long.MIN_VALUE;
            if (other == Long.MIN_VALUE) {
                return Integer.signum(e.name().compareToIgnoreCase(str(r)));
            }
            return Long.compare(e.value(), other);
        }
        if (l instanceof OffsetDateTime t) {
            return t.toInstant().compareTo(toDateTime(r, t.getOffset()).toInstant());
        }
        if (l instanceof Boolean b) {
            return Boolean.compare(b, truthy(r));
        }
        throw new ConversionException("Cannot compare \"" + str(l) + "\" because it is not IComparable.");
    }

    /** {@code -like}: * ? and [...] wildcards, ignoring case. */
    static boolean like(@Nullable Object value, @Nullable Object pattern) {
        return wildcard(str(pattern)).matcher(str(value)).matches();
    }

    private static Pattern wildcard(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*': re.append(".*"); break;
                case '?': re.append('.'); break;
                case '[': {
                    int close = pattern.indexOf(']', i + 1);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        re.append('[').append(pattern.substring(i + 1, close).replace("\\", "\\\\")).append(']');
                        i = close;
                    }
                    break;
                }
                case '`':
                    if (i + 1 < pattern.length()) {
                        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                    break;
                default: re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
