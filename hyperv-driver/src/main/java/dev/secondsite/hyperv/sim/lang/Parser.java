package dev.secondsite.hyperv.sim.lang;

import dev.secondsite.hyperv.sim.lang.Ast.Arg;
import dev.secondsite.hyperv.sim.lang.Ast.Expr;
import dev.secondsite.hyperv.sim.lang.Ast.Pipeline;
import dev.secondsite.hyperv.sim.lang.Ast.Stmt;
import dev.secondsite.hyperv.sim.lang.Lexer.Mode;
import dev.secondsite.hyperv.sim.lang.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A recursive-descent parser for the subset of {@code docs/powershell-subset.md}. Anything outside the subset is
 * a {@link ParseException}, never skipped, so a script the simulator cannot run fails loudly.
 *
 * <p>Not thread-safe: one per parse.
 */
final class Parser implements Lexer.Embedded {
    private static final Set<String> UNSUPPORTED_KEYWORDS = Set.of("while", "for", "do", "until", "switch",
            "function", "filter", "break", "continue", "trap", "finally", "begin", "process", "end", "class",
            "enum", "using", "data", "dynamicparam", "workflow", "parallel", "sequence", "inlinescript",
            "configuration", "hidden", "static");
    static final Set<String> TYPES = Set.of("string", "int", "long", "bool", "datetime", "string[]", "object[]",
            "hashtable", "pscustomobject", "ordered", "switch", "object");

    private final Lexer lexer;
    private final Ast.Source source;
    private boolean commaAllowed = true;

    private Parser(Ast.Source source, int start) {
        this.source = source;
        this.lexer = new Lexer(source.text(), this);
        this.lexer.reset(start);
    }

    /** Parses a whole script: an optional param block and statements. */
    static Ast.ScriptBlockBody parse(String text) throws ParseException {
        Parser parser = new Parser(new Ast.Source(text), 0);
        return parser.scriptBody(Kind.EOF, 0, -1);
    }

    /** A lexer over {@code text} whose {@code $(...)} in strings this parser reads (for tokenizer tests). */
    static Lexer lexer(String text) {
        return new Parser(new Ast.Source(text), 0).lexer;
    }

    @Override
    public Object[] parseSubExpression(int start) throws ParseException {
        Parser inner = new Parser(source, start);
        List<Stmt> statements = inner.statements(Kind.RPAREN, start - 2);
        inner.expect(Kind.RPAREN, Mode.EXPRESSION);
        return new Object[] {new Ast.SubExpression(statements), inner.lexer.position()};
    }

    // ---- tokens

    private Token peek(Mode mode) throws ParseException {
        int save = lexer.position();
        Token t = lexer.next(mode);
        lexer.reset(save);
        return t;
    }

    private Token next(Mode mode) throws ParseException {
        return lexer.next(mode);
    }

    private void skipNewlines() throws ParseException {
        while (peek(Mode.EXPRESSION).is(Kind.NEWLINE)) {
            next(Mode.EXPRESSION);
        }
    }

    private Token expect(Kind kind, Mode mode) throws ParseException {
        Token t = next(mode);
        if (!t.is(kind)) {
            throw unexpected(t);
        }
        return t;
    }

    private char raw(int offset) {
        int i = lexer.position() + offset;
        return i < source.text().length() ? source.text().charAt(i) : '\0';
    }

    private static ParseException unexpected(Token t) {
        if (t.is(Kind.EOF)) {
            return new ParseException("UnexpectedEndOfInput", "Unexpected end of input.", t.start(), t.end());
        }
        if (t.is(Kind.NEWLINE)) {
            return new ParseException("UnexpectedToken", "Unexpected end of line.", t.start(), t.end());
        }
        return new ParseException("UnexpectedToken",
                "Unexpected token '" + t.text() + "' in expression or statement.", t.start(), t.end());
    }

    private static boolean ends(Token t) {
        return t.is(Kind.NEWLINE) || t.is(Kind.SEMI) || t.is(Kind.RBRACE) || t.is(Kind.RPAREN) || t.is(Kind.EOF);
    }

    // ---- statements

    private Ast.ScriptBlockBody scriptBody(Kind terminator, int open, int textStart) throws ParseException {
        boolean outerComma = commaAllowed;
        commaAllowed = true;
        skipSeparators();
        List<Ast.Param> params = List.of();
        Token t = peek(Mode.EXPRESSION);
        if (t.isWord("param")) {
            next(Mode.EXPRESSION);
            params = paramBlock();
        }
        List<Stmt> statements = statements(terminator, open);
        int textEnd = lexer.position();
        commaAllowed = outerComma;
        String text = textStart < 0 ? source.text() : source.text().substring(textStart, textEnd);
        return new Ast.ScriptBlockBody(params, statements, text, source);
    }

    private void skipSeparators() throws ParseException {
        while (true) {
            Token t = peek(Mode.EXPRESSION);
            if (t.is(Kind.NEWLINE) || t.is(Kind.SEMI)) {
                next(Mode.EXPRESSION);
            } else {
                return;
            }
        }
    }

    private List<Ast.Param> paramBlock() throws ParseException {
        Token open = peek(Mode.EXPRESSION);
        if (!open.is(Kind.LPAREN)) {
            throw new ParseException("MissingOpenParenthesisInFunctionParameterList",
                    "Missing '(' in function parameter list.", open.start(), open.end());
        }
        next(Mode.EXPRESSION);
        List<Ast.Param> params = new ArrayList<>();
        skipNewlines();
        if (peek(Mode.EXPRESSION).is(Kind.RPAREN)) {
            next(Mode.EXPRESSION);
            return params;
        }
        while (true) {
            skipNewlines();
            String type = null;
            while (peek(Mode.EXPRESSION).is(Kind.LBRACKET)) {
                Token bracket = next(Mode.EXPRESSION);
                if (type != null) {
                    throw Lexer.notInSubset("A second type or attribute on a parameter", bracket.start(), bracket.end());
                }
                type = typeName(bracket);
                if (type.equals("ordered") || type.equals("pscustomobject")) {
                    throw Lexer.notInSubset("The parameter type [" + type + "]", bracket.start(), lexer.position());
                }
                skipNewlines();
            }
            Token var = next(Mode.EXPRESSION);
            if (!var.is(Kind.VARIABLE)) {
                throw new ParseException("InvalidFunctionParameter", "Missing variable name in parameter list.",
                        var.start(), var.end());
            }
            String name = (String) var.value();
            Expr defaultValue = null;
            skipNewlines();
            if (peek(Mode.EXPRESSION).is(Kind.ASSIGN)) {
                next(Mode.EXPRESSION);
                skipNewlines();
                boolean outer = commaAllowed;
                commaAllowed = false;
                defaultValue = expression();
                commaAllowed = outer;
            }
            params.add(new Ast.Param(name, name.toLowerCase(Locale.ROOT), type, defaultValue));
            skipNewlines();
            Token sep = next(Mode.EXPRESSION);
            if (sep.is(Kind.RPAREN)) {
                return params;
            }
            if (!sep.is(Kind.COMMA)) {
                if (sep.is(Kind.EOF)) {
                    throw new ParseException("MissingEndParenthesisInFunctionParameterList",
                            "Missing ')' in function parameter list.", open.start(), open.end());
                }
                throw unexpected(sep);
            }
        }
    }

    private List<Stmt> statements(Kind terminator, int open) throws ParseException {
        List<Stmt> out = new ArrayList<>();
        while (true) {
            skipSeparators();
            Token t = peek(Mode.EXPRESSION);
            if (t.is(terminator)) {
                return out;
            }
            if (t.is(Kind.EOF)) {
                throw missingClose(terminator, open);
            }
            if (t.is(Kind.RBRACE) || t.is(Kind.RPAREN)) {
                throw unexpected(t);
            }
            out.add(statement());
            Token after = peek(Mode.EXPRESSION);
            if (after.is(Kind.NEWLINE) || after.is(Kind.SEMI)) {
                continue;
            }
            if (after.is(terminator)) {
                return out;
            }
            if (after.is(Kind.EOF)) {
                throw missingClose(terminator, open);
            }
            throw unexpected(after);
        }
    }

    private static ParseException missingClose(Kind terminator, int open) {
        if (terminator == Kind.RPAREN) {
            return new ParseException("MissingEndParenthesisInExpression", "Missing closing ')' in expression.",
                    open, open + 1);
        }
        return new ParseException("MissingEndCurlyBrace",
                "Missing closing '}' in statement block or type definition.", open, open + 1);
    }

    private Stmt statement() throws ParseException {
        Token t = peek(Mode.EXPRESSION);
        if (t.is(Kind.WORD)) {
            String word = t.text().toLowerCase(Locale.ROOT);
            switch (word) {
                case "if": return ifStatement();
                case "foreach": return foreachStatement();
                case "try": return tryStatement();
                case "throw": {
                    next(Mode.EXPRESSION);
                    Pipeline value = ends(peek(Mode.EXPRESSION)) ? null : pipeline();
                    return new Ast.Throw(t.start(), lexer.position(), value);
                }
                case "return": {
                    next(Mode.EXPRESSION);
                    return new Ast.Return(t.start(), ends(peek(Mode.EXPRESSION)) ? null : pipeline());
                }
                case "exit": {
                    next(Mode.EXPRESSION);
                    return new Ast.Exit(t.start(), ends(peek(Mode.EXPRESSION)) ? null : pipeline());
                }
                case "param":
                    throw new ParseException("UnexpectedToken",
                            "Unexpected token 'param' in expression or statement: a param block must come first.",
                            t.start(), t.end());
                case "else": case "elseif": case "catch": case "in":
                    throw unexpected(t);
                default:
                    if (UNSUPPORTED_KEYWORDS.contains(word)) {
                        throw Lexer.notInSubset("The '" + word + "' keyword", t.start(), t.end());
                    }
            }
        }
        return pipelineOrAssignment();
    }

    private Stmt pipelineOrAssignment() throws ParseException {
        Token first = peek(Mode.EXPRESSION);
        if (first.is(Kind.WORD) || first.is(Kind.AMP)) {
            return pipeline();
        }
        Expr e = expression();
        Token t = peek(Mode.EXPRESSION);
        if (t.is(Kind.ASSIGN)) {
            if (e instanceof Ast.Const && first.is(Kind.VARIABLE) && "null".equalsIgnoreCase((String) first.value())) {
                e = new Ast.Var("null");  // $null = ... discards
            }
            if (!(e instanceof Ast.Var || e instanceof Ast.Member || e instanceof Ast.Index)) {
                throw new ParseException("InvalidLeftHandSide", "The assignment expression is not valid. The input "
                        + "to an assignment operator must be an object that is able to accept assignments, such as "
                        + "a variable or a property.", first.start(), t.start());
            }
            next(Mode.EXPRESSION);
            skipNewlines();
            Token v = peek(Mode.EXPRESSION);
            if (ends(v)) {
                throw new ParseException("ExpectedValueExpression",
                        "You must provide a value expression on the right-hand side of the '=' operator.",
                        v.start(), v.end());
            }
            return new Ast.Assign(first.start(), e, pipeline());
        }
        return pipelineRest(first.start(), new Ast.ExprElement(e));
    }

    private Pipeline pipeline() throws ParseException {
        Token first = peek(Mode.EXPRESSION);
        Ast.Element element;
        if (first.is(Kind.WORD) || first.is(Kind.AMP)) {
            element = command();
        } else {
            element = new Ast.ExprElement(expression());
        }
        return pipelineRest(first.start(), element);
    }

    private Pipeline pipelineRest(int start, Ast.Element first) throws ParseException {
        List<Ast.Element> elements = new ArrayList<>(2);
        elements.add(first);
        while (peek(Mode.EXPRESSION).is(Kind.PIPE)) {
            next(Mode.EXPRESSION);
            skipNewlines();
            Token t = peek(Mode.EXPRESSION);
            if (t.is(Kind.WORD) || t.is(Kind.AMP)) {
                elements.add(command());
            } else if (ends(t)) {
                throw new ParseException("EmptyPipeElement", "An empty pipe element is not allowed.",
                        t.start(), t.end());
            } else {
                throw new ParseException("ExpressionsMustBeFirstInPipeline",
                        "Expressions are only allowed as the first element of a pipeline.", t.start(), t.end());
            }
        }
        return new Pipeline(start, List.copyOf(elements));
    }

    private Ast.Command command() throws ParseException {
        Token first = next(Mode.COMMAND);
        String name = null;
        Expr invoked = null;
        if (first.is(Kind.AMP)) {
            invoked = argumentElement();
        } else if (first.is(Kind.WORD)) {
            name = first.text();
        } else {
            throw unexpected(first);
        }
        List<Arg> args = new ArrayList<>();
        while (true) {
            Token t = peek(Mode.COMMAND);
            if (ends(t) || t.is(Kind.PIPE)) {
                break;
            }
            if (t.is(Kind.PARAMETER)) {
                next(Mode.COMMAND);
                Expr value = null;
                if (t.colon()) {
                    Token v = peek(Mode.COMMAND);
                    if (ends(v) || v.is(Kind.PIPE) || v.is(Kind.PARAMETER)) {
                        throw new ParseException("ParameterRequiresArgument", "The parameter '-" + t.value()
                                + "' requires an argument.", t.start(), t.end());
                    }
                    value = argument();
                }
                args.add(new Ast.ParamArg((String) t.value(), t.colon(), value, t.start()));
            } else if (t.is(Kind.SPLAT)) {
                next(Mode.COMMAND);
                args.add(new Ast.SplatArg(((String) t.value()).toLowerCase(Locale.ROOT), t.start()));
            } else {
                args.add(new Ast.ValueArg(argument()));
            }
        }
        return new Ast.Command(first.start(), lexer.position(), name, invoked, List.copyOf(args), source);
    }

    /** An argument: elements joined by commas into an array. */
    private Expr argument() throws ParseException {
        Expr first = argumentElement();
        if (!peek(Mode.COMMAND).is(Kind.COMMA)) {
            return first;
        }
        List<Expr> items = new ArrayList<>();
        items.add(first);
        while (peek(Mode.COMMAND).is(Kind.COMMA)) {
            next(Mode.COMMAND);
            skipNewlines();
            items.add(argumentElement());
        }
        return new Ast.ArrayLiteral(List.copyOf(items));
    }

    private Expr argumentElement() throws ParseException {
        Token t = peek(Mode.COMMAND);
        switch (t.kind()) {
            case WORD:
                next(Mode.COMMAND);
                return new Ast.Const(t.value());
            case NUMBER:
            case STRING:
                next(Mode.COMMAND);
                return postfix(new Ast.Const(t.value()));
            case PARAMETER:
                throw unexpected(t);
            default:
                return postfix(primary());
        }
    }

    private Stmt ifStatement() throws ParseException {
        Token keyword = next(Mode.EXPRESSION);
        List<Pipeline> conditions = new ArrayList<>();
        List<Ast.Block> bodies = new ArrayList<>();
        conditions.add(condition(keyword));
        bodies.add(block(keyword));
        Ast.Block elseBody = null;
        while (true) {
            int save = lexer.position();
            skipNewlines();
            Token t = peek(Mode.EXPRESSION);
            if (t.isWord("elseif")) {
                next(Mode.EXPRESSION);
                conditions.add(condition(t));
                bodies.add(block(t));
            } else if (t.isWord("else")) {
                next(Mode.EXPRESSION);
                elseBody = block(t);
                break;
            } else {
                lexer.reset(save);
                break;
            }
        }
        return new Ast.If(keyword.start(), List.copyOf(conditions), List.copyOf(bodies), elseBody);
    }

    private Pipeline condition(Token keyword) throws ParseException {
        skipNewlines();
        Token open = next(Mode.EXPRESSION);
        if (!open.is(Kind.LPAREN)) {
            throw new ParseException("MissingOpenParenthesisInIfStatement",
                    "Missing '(' after '" + keyword.text() + "' in if statement.", open.start(), open.end());
        }
        skipNewlines();
        Token t = peek(Mode.EXPRESSION);
        if (t.is(Kind.RPAREN)) {
            throw new ParseException("IfStatementMissingCondition",
                    "Missing condition in if statement after 'if ('.", t.start(), t.end());
        }
        Pipeline condition = pipeline();
        skipNewlines();
        Token close = next(Mode.EXPRESSION);
        if (!close.is(Kind.RPAREN)) {
            throw new ParseException("MissingEndParenthesisAfterStatement",
                    "Missing ')' after expression in 'if' statement.", close.start(), close.end());
        }
        return condition;
    }

    private Ast.Block block(Token keyword) throws ParseException {
        skipNewlines();
        Token open = next(Mode.EXPRESSION);
        if (!open.is(Kind.LBRACE)) {
            throw new ParseException("MissingStatementBlock",
                    "Missing statement block after '" + keyword.text() + "'.", open.start(), open.end());
        }
        boolean outer = commaAllowed;
        commaAllowed = true;
        List<Stmt> statements = statements(Kind.RBRACE, open.start());
        next(Mode.EXPRESSION);
        commaAllowed = outer;
        return new Ast.Block(List.copyOf(statements));
    }

    private Stmt foreachStatement() throws ParseException {
        Token keyword = next(Mode.EXPRESSION);
        skipNewlines();
        Token open = next(Mode.EXPRESSION);
        if (!open.is(Kind.LPAREN)) {
            throw new ParseException("MissingOpenParenthesisAfterKeyword",
                    "Missing opening '(' after keyword 'foreach'.", open.start(), open.end());
        }
        skipNewlines();
        Token var = next(Mode.EXPRESSION);
        if (!var.is(Kind.VARIABLE)) {
            throw new ParseException("MissingVariableNameAfterForeach",
                    "Missing variable name after foreach.", var.start(), var.end());
        }
        skipNewlines();
        Token in = next(Mode.EXPRESSION);
        if (!in.isWord("in")) {
            throw new ParseException("MissingInInForeach", "Missing 'in' after variable in foreach loop.",
                    in.start(), in.end());
        }
        skipNewlines();
        Pipeline collection = pipeline();
        skipNewlines();
        Token close = next(Mode.EXPRESSION);
        if (!close.is(Kind.RPAREN)) {
            throw new ParseException("MissingEndParenthesisAfterForeach",
                    "Missing closing ')' after expression in 'foreach' statement.", close.start(), close.end());
        }
        return new Ast.Foreach(keyword.start(), new Ast.Var((String) var.value()).name(), collection,
                block(keyword));
    }

    private Stmt tryStatement() throws ParseException {
        Token keyword = next(Mode.EXPRESSION);
        Ast.Block body = block(keyword);
        int save = lexer.position();
        skipNewlines();
        Token t = peek(Mode.EXPRESSION);
        if (t.isWord("finally")) {
            throw Lexer.notInSubset("A finally block", t.start(), t.end());
        }
        if (!t.isWord("catch")) {
            lexer.reset(save);
            throw new ParseException("MissingCatchOrFinally",
                    "The Try statement is missing its Catch or Finally block.", keyword.start(), keyword.end());
        }
        next(Mode.EXPRESSION);
        Token typed = peek(Mode.EXPRESSION);
        if (typed.is(Kind.LBRACKET)) {
            throw Lexer.notInSubset("A typed catch", typed.start(), typed.end());
        }
        Ast.Block catchBody = block(t);
        int after = lexer.position();
        skipNewlines();
        Token more = peek(Mode.EXPRESSION);
        if (more.isWord("catch") || more.isWord("finally")) {
            throw Lexer.notInSubset("A second catch or a finally block", more.start(), more.end());
        }
        lexer.reset(after);
        return new Ast.Try(keyword.start(), body, catchBody);
    }

    // ---- expressions

    Expr expression() throws ParseException {
        Expr left = comparison();
        while (true) {
            Token t = peek(Mode.EXPRESSION);
            if (t.is(Kind.OPERATOR) && (t.value().equals("-and") || t.value().equals("-or"))) {
                next(Mode.EXPRESSION);
                skipNewlines();
                left = new Ast.Binary((String) t.value(), left, operand(t, this::comparison), t.start());
            } else {
                return left;
            }
        }
    }

    private interface ExprParser {
        Expr parse() throws ParseException;
    }

    private Expr operand(Token operator, ExprParser parser) throws ParseException {
        Token t = peek(Mode.EXPRESSION);
        if (ends(t) || t.is(Kind.PIPE) || t.is(Kind.COMMA) || t.is(Kind.RBRACKET)) {
            throw new ParseException("ExpectedValueExpression", "You must provide a value expression following "
                    + "the '" + operator.text() + "' operator.", t.start(), t.end());
        }
        return parser.parse();
    }

    private Expr comparison() throws ParseException {
        Expr left = additive();
        while (true) {
            Token t = peek(Mode.EXPRESSION);
            if (t.is(Kind.OPERATOR) && !t.value().equals("-and") && !t.value().equals("-or")
                    && !t.value().equals("-not")) {
                next(Mode.EXPRESSION);
                skipNewlines();
                left = new Ast.Binary((String) t.value(), left, operand(t, this::additive), t.start());
            } else {
                return left;
            }
        }
    }

    private Expr additive() throws ParseException {
        Expr left = negation();
        while (true) {
            Token t = peek(Mode.EXPRESSION);
            if (t.is(Kind.PLUS) || t.is(Kind.MINUS)) {
                next(Mode.EXPRESSION);
                skipNewlines();
                left = new Ast.Binary(t.is(Kind.PLUS) ? "+" : "-", left, operand(t, this::negation), t.start());
            } else {
                return left;
            }
        }
    }

    private Expr negation() throws ParseException {
        Token t = peek(Mode.EXPRESSION);
        if (t.is(Kind.MINUS)) {
            next(Mode.EXPRESSION);
            Expr operand = operand(t, this::negation);
            if (operand instanceof Ast.Const c && c.value() instanceof Integer i && i != Integer.MIN_VALUE) {
                return new Ast.Const(-i);
            }
            if (operand instanceof Ast.Const c && c.value() instanceof Long l) {
                return new Ast.Const(l == -(long) Integer.MIN_VALUE ? (Object) Integer.MIN_VALUE : (Object) (-l));
            }
            if (operand instanceof Ast.Const c && c.value() instanceof Double d) {
                return new Ast.Const(-d);
            }
            return new Ast.Unary("-", operand, t.start());
        }
        return not();
    }

    private Expr not() throws ParseException {
        Token t = peek(Mode.EXPRESSION);
        if (t.is(Kind.BANG) || (t.is(Kind.OPERATOR) && t.value().equals("-not"))) {
            next(Mode.EXPRESSION);
            return new Ast.Unary("!", operand(t, this::not), t.start());
        }
        return comma();
    }

    private Expr comma() throws ParseException {
        Expr first = cast();
        if (!commaAllowed || !peek(Mode.EXPRESSION).is(Kind.COMMA)) {
            return first;
        }
        List<Expr> items = new ArrayList<>();
        items.add(first);
        while (peek(Mode.EXPRESSION).is(Kind.COMMA)) {
            Token comma = next(Mode.EXPRESSION);
            skipNewlines();
            items.add(operand(comma, this::cast));
        }
        return new Ast.ArrayLiteral(List.copyOf(items));
    }

    private Expr cast() throws ParseException {
        Token t = peek(Mode.EXPRESSION);
        if (!t.is(Kind.LBRACKET)) {
            return postfix(primary());
        }
        next(Mode.EXPRESSION);
        String type = typeName(t);
        if (type.equals("console")) {
            Token colons = next(Mode.EXPRESSION);
            Token member = colons.is(Kind.COLONCOLON) ? next(Mode.EXPRESSION) : colons;
            if (!colons.is(Kind.COLONCOLON) || !member.isWord("In")) {
                throw Lexer.notInSubset("Any use of [Console] but [Console]::In.ReadToEnd()", t.start(), member.end());
            }
            return postfix(new Ast.ConsoleIn());
        }
        Token operand = peek(Mode.EXPRESSION);
        if (operand.is(Kind.COLONCOLON)) {
            throw Lexer.notInSubset("The static member access [" + type + "]::", t.start(), operand.end());
        }
        if (ends(operand) || operand.is(Kind.PIPE) || operand.is(Kind.COMMA) || operand.is(Kind.OPERATOR)
                || operand.is(Kind.ASSIGN) || operand.is(Kind.RBRACKET) || operand.is(Kind.PLUS)) {
            throw Lexer.notInSubset("A type literal used as a value ([" + type + "])", t.start(), operand.start());
        }
        if (type.equals("ordered") && !operand.is(Kind.AT_BRACE)) {
            throw new ParseException("OrderedAttributeOnlyOnHashLiteralNode",
                    "The ordered attribute can be specified only on a hash literal node.", t.start(), operand.end());
        }
        if (type.equals("switch")) {
            throw Lexer.notInSubset("The cast [switch]", t.start(), operand.start());
        }
        Expr inner = cast();
        if (type.equals("ordered")) {
            Ast.HashLiteral h = (Ast.HashLiteral) inner;
            return new Ast.HashLiteral(h.keys(), h.values(), true);
        }
        return new Ast.Cast(type, inner, t.start());
    }

    /** Reads a type name after {@code [} up to and including {@code ]}; lower-cased. */
    private String typeName(Token open) throws ParseException {
        StringBuilder sb = new StringBuilder();
        while (Character.isLetterOrDigit(raw(0)) || raw(0) == '.' || raw(0) == '_') {
            sb.append(raw(0));
            lexer.reset(lexer.position() + 1);
        }
        if (raw(0) == '[' && raw(1) == ']') {
            sb.append("[]");
            lexer.reset(lexer.position() + 2);
        }
        if (raw(0) == '(') {
            throw Lexer.notInSubset("The attribute [" + sb + "(...)]", open.start(), lexer.position());
        }
        if (raw(0) != ']') {
            int end = lexer.position();
            throw new ParseException("EndSquareBracketExpectedAtEndOfAttribute",
                    "Missing ] at end of attribute or type literal.", end, end + 1);
        }
        lexer.reset(lexer.position() + 1);
        String type = sb.toString().toLowerCase(Locale.ROOT);
        switch (type) {
            case "system.string": return "string";
            case "int32": case "system.int32": return "int";
            case "int64": case "system.int64": return "long";
            case "boolean": case "system.boolean": return "bool";
            case "system.datetime": return "datetime";
            case "system.object": return "object";
            case "psobject": case "psobject[]": throw Lexer.notInSubset("The type [" + sb + "]", open.start(),
                    lexer.position());
            case "console": case "system.console": return "console";
            default: break;
        }
        if (!TYPES.contains(type)) {
            throw new ParseException("TypeNotFound", "Unable to find type [" + sb + "].", open.start() + 1,
                    lexer.position() - 1);
        }
        return type;
    }

    private Expr primary() throws ParseException {
        Token t = next(Mode.EXPRESSION);
        switch (t.kind()) {
            case VARIABLE:
                return variable((String) t.value());
            case STRING:
            case NUMBER:
                return new Ast.Const(t.value());
            case EXPANDABLE:
                @SuppressWarnings("unchecked") List<Object> parts = (List<Object>) t.value();
                return new Ast.Expandable(parts);
            case LPAREN: {
                boolean outer = commaAllowed;
                commaAllowed = true;
                skipNewlines();
                Token first = peek(Mode.EXPRESSION);
                if (first.is(Kind.RPAREN)) {
                    throw new ParseException("ExpectedExpression", "An expression was expected after '('.",
                            first.start(), first.end());
                }
                Stmt inner = statement();
                skipNewlines();
                Token close = next(Mode.EXPRESSION);
                if (!close.is(Kind.RPAREN)) {
                    if (close.is(Kind.EOF)) {
                        throw missingClose(Kind.RPAREN, t.start());
                    }
                    throw unexpected(close);
                }
                commaAllowed = outer;
                return new Ast.Paren(inner);
            }
            case DOLLAR_PAREN: {
                List<Stmt> statements = inner(t);
                return new Ast.SubExpression(statements);
            }
            case AT_PAREN: {
                List<Stmt> statements = inner(t);
                return new Ast.ArraySubExpression(statements);
            }
            case AT_BRACE:
                return hashLiteral(t);
            case LBRACE: {
                Ast.ScriptBlockBody body = scriptBody(Kind.RBRACE, t.start(), t.end());
                next(Mode.EXPRESSION);
                return new Ast.ScriptBlockLiteral(body);
            }
            case WORD:
                throw new ParseException("UnexpectedToken",
                        "Unexpected token '" + t.text() + "' in expression or statement.", t.start(), t.end());
            default:
                throw unexpected(t);
        }
    }

    private List<Stmt> inner(Token open) throws ParseException {
        boolean outer = commaAllowed;
        commaAllowed = true;
        List<Stmt> statements = statements(Kind.RPAREN, open.start());
        next(Mode.EXPRESSION);
        commaAllowed = outer;
        return List.copyOf(statements);
    }

    static Expr variable(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "true": return new Ast.Const(Boolean.TRUE);
            case "false": return new Ast.Const(Boolean.FALSE);
            case "null": return new Ast.Const(null);
            default: return new Ast.Var(name);
        }
    }

    private Expr hashLiteral(Token open) throws ParseException {
        boolean outer = commaAllowed;
        commaAllowed = true;
        List<Expr> keys = new ArrayList<>();
        List<Pipeline> values = new ArrayList<>();
        while (true) {
            skipSeparators();
            Token key = next(Mode.EXPRESSION);
            if (key.is(Kind.RBRACE)) {
                break;
            }
            if (key.is(Kind.EOF)) {
                throw new ParseException("MissingEndCurlyBrace", "Missing closing '}' in hash literal.",
                        open.start(), open.end());
            }
            Expr keyExpr;
            if (key.is(Kind.WORD)) {
                keyExpr = new Ast.Const(key.text());
            } else if (key.is(Kind.STRING) || key.is(Kind.NUMBER)) {
                keyExpr = new Ast.Const(key.value());
            } else if (key.is(Kind.VARIABLE)) {
                keyExpr = variable((String) key.value());
            } else {
                throw new ParseException("MissingEqualsInHashLiteral",
                        "Missing '=' operator after key in hash literal.", key.start(), key.end());
            }
            Token eq = next(Mode.EXPRESSION);
            if (!eq.is(Kind.ASSIGN)) {
                throw new ParseException("MissingEqualsInHashLiteral",
                        "Missing '=' operator after key in hash literal.", eq.start(), eq.end());
            }
            skipNewlines();
            Token v = peek(Mode.EXPRESSION);
            if (ends(v)) {
                throw new ParseException("MissingStatementInHashLiteral",
                        "Missing statement after '=' in hash literal.", v.start(), v.end());
            }
            keys.add(keyExpr);
            values.add(pipeline());
            Token after = peek(Mode.EXPRESSION);
            if (!(after.is(Kind.NEWLINE) || after.is(Kind.SEMI) || after.is(Kind.RBRACE))) {
                throw new ParseException("MissingEndCurlyBrace", "Missing closing '}' in hash literal.",
                        after.start(), after.end());
            }
        }
        commaAllowed = outer;
        return new Ast.HashLiteral(List.copyOf(keys), List.copyOf(values), false);
    }

    /** Member access, method calls and indexing written right after an operand (no space before). */
    private Expr postfix(Expr target) throws ParseException {
        while (true) {
            char c = raw(0);
            if (c == '.' && (Character.isLetter(raw(1)) || raw(1) == '_')) {
                int start = lexer.position();
                lexer.reset(start + 1);
                int nameStart = lexer.position();
                int p = nameStart;
                String text = source.text();
                while (p < text.length() && (Character.isLetterOrDigit(text.charAt(p)) || text.charAt(p) == '_')) {
                    p++;
                }
                String name = text.substring(nameStart, p);
                lexer.reset(p);
                if (raw(0) == '(') {
                    lexer.reset(p + 1);
                    target = new Ast.MethodCall(target, name, methodArguments(start), start);
                } else {
                    target = new Ast.Member(target, name, start);
                }
            } else if (c == '[') {
                Token open = next(Mode.EXPRESSION);
                boolean outer = commaAllowed;
                commaAllowed = true;
                skipNewlines();
                Expr index = expression();
                skipNewlines();
                Token close = next(Mode.EXPRESSION);
                if (!close.is(Kind.RBRACKET)) {
                    throw new ParseException("MissingEndSquareBracket", "Array index expression is missing or "
                            + "not valid.", open.start(), close.end());
                }
                commaAllowed = outer;
                target = new Ast.Index(target, index, open.start());
            } else if (c == ':' && raw(1) == ':') {
                throw Lexer.notInSubset("The static member operator '::'", lexer.position(), lexer.position() + 2);
            } else {
                return target;
            }
        }
    }

    private List<Expr> methodArguments(int start) throws ParseException {
        boolean outer = commaAllowed;
        commaAllowed = false;
        List<Expr> args = new ArrayList<>();
        skipNewlines();
        if (peek(Mode.EXPRESSION).is(Kind.RPAREN)) {
            next(Mode.EXPRESSION);
            commaAllowed = outer;
            return List.of();
        }
        while (true) {
            skipNewlines();
            args.add(expression());
            skipNewlines();
            Token t = next(Mode.EXPRESSION);
            if (t.is(Kind.RPAREN)) {
                break;
            }
            if (!t.is(Kind.COMMA)) {
                throw new ParseException("MissingEndParenthesisInMethodCall",
                        "Missing ')' in method invocation.", start, t.end());
            }
        }
        commaAllowed = outer;
        return List.copyOf(args);
    }
}
