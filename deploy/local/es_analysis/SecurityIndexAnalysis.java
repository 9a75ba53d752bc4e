/*
 * tinstream: the three analysis components Elasticsearch's security index asks for
 * and the integ-test-zip distribution lacks (they live in its analysis-common module,
 * which Maven Central does not carry): the "pattern_capture" and "unique" token
 * filters and the "uax_url_email" tokenizer. Written against the stable plugin API;
 * built and installed by deploy/local/es_plugin.py for `stack up --es-security`,
 * so that the secured node can keep API keys (stored in the .security index).
 */
package io.tinstream.esanalysis;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

public final class SecurityIndexAnalysis {
    private SecurityIndexAnalysis() {}

    @AnalysisSettings
    public interface PatternCaptureSettings {
        @ListSetting(path = "patterns")
        List<String> patterns();

        @BooleanSetting(path = "preserve_original", defaultValue = true)
        boolean preserveOriginal();
    }

    /** Every capture group of every pattern as a token (and the original, by default). */
    @NamedComponent("pattern_capture")
    public static final class PatternCapture implements org.elasticsearch.plugin.analysis.TokenFilterFactory {
        private final Pattern[] patterns;
        private final boolean preserveOriginal;

        @Inject
        public PatternCapture(PatternCaptureSettings settings) {
            this.patterns = settings.patterns().stream().map(Pattern::compile).toArray(Pattern[]::new);
            this.preserveOriginal = settings.preserveOriginal();
        }

        @Override
        public TokenStream create(TokenStream input) {
            return new PatternCaptureGroupTokenFilter(input, preserveOriginal, patterns);
        }
    }

    /** Each distinct term once, at its first position. */
    @NamedComponent("unique")
    public static final class Unique implements org.elasticsearch.plugin.analysis.TokenFilterFactory {
        @Override
        public TokenStream create(TokenStream input) {
            return new UniqueFilter(input);
        }
    }

    /** URLs and e-mail addresses kept whole, other text as Unicode words. */
    @NamedComponent("uax_url_email")
    public static final class UaxUrlEmail implements org.elasticsearch.plugin.analysis.TokenizerFactory {
        @Override
        public Tokenizer create() {
            return new UAX29URLEmailTokenizer();
        }
    }

    static final class UniqueFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final CharArraySet seen = new CharArraySet(8, false);

        UniqueFilter(TokenStream input) {
            super(input);
        }

        @Override
        public boolean incrementToken() throws IOException {
            while (input.incrementToken()) {
                char[] copy = new char[term.length()];
                System.arraycopy(term.buffer(), 0, copy, 0, copy.length);
                if (!seen.contains(copy, 0, copy.length)) {
                    seen.add(copy);
                    return true;
                }
            }
            return false;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            seen.clear();
        }
    }
}
