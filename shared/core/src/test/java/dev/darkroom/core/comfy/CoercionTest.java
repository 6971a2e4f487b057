package dev.darkroom.core.comfy;

import static dev.darkroom.core.comfy.Workflows.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python's coercions per input type, through a one-node catalog with every literal type. */
class CoercionTest {

  private static final NodeCatalog PROBE =
      NodeCatalog.fromObjectInfo(
          json(
              "{'Probe':{'input':{'required':{'flag':['BOOLEAN'],'text':['STRING'],'ratio':['FLOAT',{'min':-1.5}],"
                  + "'count':['INT']},'optional':{'choice':[['a','b',1]]}},'output':[],'output_node':true,"
                  + "'x_darkroom':{'validate_inputs':[]}}}"));
  private final CatalogCheck validator =
      new CatalogCheck(PROBE, CustomInputCheck.acceptAll());

  private PromptVerdict probe(String inputsJson) {
    ObjectNode base = json("{'flag':true,'text':'t','ratio':0.5,'count':1}");
    base.setAll(json(inputsJson));
    ObjectNode prompt = json("{'1':{'class_type':'Probe'}}");
    ((ObjectNode) prompt.get("1")).set("inputs", base);
    return validator.check(prompt, null);
  }

  private JsonNode coerced(PromptVerdict v, String name) {
    assertThat(v.accepted()).as("%s", v).isTrue();
    return v.prompt().get("1").get("inputs").get(name);
  }

  @ParameterizedTest
  @CsvSource(
      quoteCharacter = '"',
      delimiter = '|',
      value = {"'false'|true", "''|false", "0|false", "2|true", "null|false", "{'a':1}|true", "{}|false"})
  void booleanIsPythonTruthiness(String literal, boolean expected) {
    assertThat(coerced(probe("{'flag':" + literal + "}"), "flag").booleanValue()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      quoteCharacter = '"',
      delimiter = '|',
      value = {"5|5", "1.0|1.0", "true|True", "null|None", "{'a':[1,'x']}|{'a': [1, 'x']}", "1e-05|1e-05", "1e16|1e+16"})
  void stringIsPythonStr(String literal, String expected) {
    assertThat(coerced(probe("{'text':" + literal + "}"), "text").textValue()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      quoteCharacter = '"',
      delimiter = '|',
      value = {"'1e3'|1000.0", "' -1.25 '|-1.25", "true|1.0", "3|3.0", "'1_0.5'|10.5", "'.5'|0.5"})
  void floatIsPythonFloat(String literal, double expected) {
    JsonNode value = coerced(probe("{'ratio':" + literal + "}"), "ratio");
    assertThat(value.isDouble()).isTrue();
    assertThat(value.doubleValue()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      quoteCharacter = '"',
      delimiter = '|',
      value = {
        "'0x10'|could not convert string to float: '0x10'",
        "'1d'|could not convert string to float: '1d'",
        "'e5'|could not convert string to float: 'e5'",
        "null|float() argument must be a string or a real number, not 'NoneType'"
      })
  void floatRefusalsUsePythonsMessages(String literal, String message) {
    JsonNode error = probe("{'ratio':" + literal + "}").nodeErrors().get("1").get("errors").get(0);
    assertThat(error.get("type").asText()).isEqualTo("invalid_input_type");
    assertThat(error.get("message").asText()).isEqualTo("Failed to convert an input value to a FLOAT value");
    assertThat(error.get("extra_info").get("exception_message").asText()).isEqualTo(message);
  }

  @ParameterizedTest
  @CsvSource(
      quoteCharacter = '"',
      delimiter = '|',
      value = {
        "'5.7'|invalid literal for int() with base 10: '5.7'",
        "{}|int() argument must be a string, a bytes-like object or a real number, not 'dict'",
        "'it`s'|invalid literal for int() with base 10: \"it's\""
      })
  void intRefusalsUsePythonsMessages(String literal, String message) {
    // A backquote stands for an apostrophe, which json() would turn into a double quote.
    PromptVerdict v = probe("{'count':" + literal.replace("`", "\\u0027") + "}");
    JsonNode error = v.nodeErrors().get("1").get("errors").get(0);
    assertThat(error.get("extra_info").get("exception_message").asText()).isEqualTo(message);
  }

  @Test
  void intTruncatesTowardZero() {
    assertThat(coerced(probe("{'count':-5.7}"), "count").intValue()).isEqualTo(-5);
    assertThat(coerced(probe("{'count':true}"), "count").intValue()).isEqualTo(1);
  }

  @Test
  void floatMinimumUsesPythonsFormatting() {
    JsonNode error = probe("{'ratio':-2}").nodeErrors().get("1").get("errors").get(0);
    assertThat(error.get("message").asText()).isEqualTo("Value -2.0 smaller than min of -1.5");
  }

  @Test
  void comboMembershipUsesPythonEquality() {
    assertThat(probe("{'choice':1.0}").accepted()).isTrue();
    assertThat(probe("{'choice':true}").accepted()).isTrue();
    JsonNode error = probe("{'choice':2}").nodeErrors().get("1").get("errors").get(0);
    assertThat(error.get("details").asText()).isEqualTo("choice: '2' not in ['a', 'b', 1]");
  }
}
