package dev.darkroom.runner.comfy;

import static dev.darkroom.runner.comfy.FakeComfyUi.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.job.JobError;
import dev.darkroom.runner.OutputFile;
import dev.darkroom.runner.PromptOutcome;
import org.junit.jupiter.api.Test;

/** Reading ComfyUI's history entries and errors, with shapes taken from COMFYUI_API.md §1 and §3. */
class ComfyProtocolTest {

  @Test
  void listsEveryArrayOfFilesUnderEveryNodeOnceAndSkipsPlainValues() throws Exception {
    var outputs = JSON.readTree("""
        {"9":  {"images": [{"filename": "a_00001_.png", "subfolder": "", "type": "output"},
                           {"filename": "a_00002_.png", "subfolder": "", "type": "output"}],
                "animated": [false]},
         "10": {"images": [{"filename": "ComfyUI_temp_abcde_00001_.png", "subfolder": "", "type": "temp"}]},
         "12": {"gifs": [{"filename": "vid_00001.mp4", "subfolder": "clips", "type": "output", "format": "video/h264-mp4"}]},
         "15": {"audio": [{"filename": "s_00001_.flac", "subfolder": "audio", "type": "output"}]},
         "18": {"latents": [{"filename": "l_00001_.latent", "subfolder": "latents", "type": "output"}]},
         "20": {"text": ["a caption"]},
         "21": {"images": [{"filename": "a_00001_.png", "subfolder": "", "type": "output"}]},
         "22": {"custom": [{"name": "no filename here"}], "scalar": 3}}
        """);

    assertThat(ComfyProtocol.outputFiles(outputs)).containsExactly(
        new OutputFile("9", "images", "a_00001_.png", "", "output"),
        new OutputFile("9", "images", "a_00002_.png", "", "output"),
        new OutputFile("10", "images", "ComfyUI_temp_abcde_00001_.png", "", "temp"),
        new OutputFile("12", "gifs", "vid_00001.mp4", "clips", "output"),
        new OutputFile("15", "audio", "s_00001_.flac", "audio", "output"),
        new OutputFile("18", "latents", "l_00001_.latent", "latents", "output"));
  }

  @Test
  void anErrorEntryIsTheRecordedExecutionError() throws Exception {
    var entry = JSON.readTree("""
        {"outputs": {}, "status": {"status_str": "error", "completed": false, "messages": [
          ["execution_start", {"prompt_id": "p", "timestamp": 1}],
          ["execution_error", {"prompt_id": "p", "node_id": "8", "node_type": "VAEDecode",
            "exception_type": "torch.OutOfMemoryError", "exception_message": "CUDA out of memory.\\n",
            "traceback": [], "timestamp": 2}]]}}
        """);

    assertThat(ComfyProtocol.outcomeOf(entry)).isEqualTo(
        new PromptOutcome.Failed(new JobError("torch.OutOfMemoryError", "CUDA out of memory.", "8")));
  }

  @Test
  void anInterruptedEntryIsInterrupted() throws Exception {
    var entry = JSON.readTree("""
        {"outputs": {}, "status": {"status_str": "error", "completed": false, "messages": [
          ["execution_interrupted", {"prompt_id": "p", "node_id": "3", "timestamp": 2}]]}}
        """);

    assertThat(ComfyProtocol.outcomeOf(entry)).isEqualTo(new PromptOutcome.Interrupted());
  }

  @Test
  void aRefusalWithoutComfyUisErrorShapeKeepsTheHttpStatus() throws Exception {
    JobError error = ComfyProtocol.rejection(413, JSON.missingNode());

    assertThat(error.type()).isEqualTo("comfyui_http_413");
  }
}
