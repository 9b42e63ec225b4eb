# Runs a libFuzzer target once over every file in the given directories (the fuzz.<name> tests).
# Files are listed when the test runs, so a new regression input needs no re-configure; they are
# passed as files, never as directories, so libFuzzer runs each once and writes nothing back.
#   cmake -DFUZZER=<binary> -DINPUT_DIRS=<dir>|<dir>... -P run_inputs.cmake
string(REPLACE "|" ";" dirs "${INPUT_DIRS}")
set(inputs "")
foreach(dir IN LISTS dirs)
  file(GLOB files LIST_DIRECTORIES false "${dir}/*")
  list(FILTER files EXCLUDE REGEX "/\\.gitkeep$")
  list(APPEND inputs ${files})
endforeach()
list(LENGTH inputs count)
if(count EQUAL 0)
  message(FATAL_ERROR "no inputs in ${INPUT_DIRS}")
endif()
list(SORT inputs)
# In batches, to stay well inside the command line limit.
set(batch "")
set(done 0)
foreach(file IN LISTS inputs)
  list(APPEND batch "${file}")
  list(LENGTH batch n)
  math(EXPR done "${done} + 1")
  if(n EQUAL 200 OR done EQUAL count)
    execute_process(COMMAND "${FUZZER}" -rss_limit_mb=2048 -timeout=60 ${batch}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      message("${out}")
      message(FATAL_ERROR "${FUZZER} failed (${rc}) on one of: ${batch}")
    endif()
    set(batch "")
  endif()
endforeach()
message(STATUS "${count} inputs passed")
